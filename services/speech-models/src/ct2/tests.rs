use super::*;
use crate::testutil::Ct2Writer;

fn small() -> Ct2Writer {
    let mut w = Ct2Writer::default();
    w.f16(
        "encoder/conv1/weight",
        &[2, 3],
        &[0.5, -1.0, 2.0, 0.0, 0.25, -0.125],
    )
    .f32("encoder/layer_norm/gamma", &[2], &[1.5, -2.5])
    .i16_scalar("encoder/num_heads", 6)
    .alias("decoder/projection/weight", "decoder/embeddings/weight");
    w
}

#[test]
fn parses_variables_dtypes_and_aliases() {
    let (bytes, offsets) = small().build();
    let m = parse(&bytes, "model.bin").unwrap();
    assert_eq!(m.spec, "WhisperSpec");
    assert_eq!(m.variables.len(), 3);
    let conv = m.get("encoder/conv1/weight").unwrap();
    assert_eq!((conv.dims.clone(), conv.dtype), (vec![2, 3], DType::F16));
    assert_eq!(conv.offset as usize, offsets["encoder/conv1/weight"]);
    assert_eq!(
        conv.to_f32("m").unwrap(),
        vec![0.5, -1.0, 2.0, 0.0, 0.25, -0.125]
    );
    let gamma = m.get("encoder/layer_norm/gamma").unwrap();
    assert_eq!(gamma.dtype, DType::F32);
    assert_eq!(gamma.to_f32("m").unwrap(), vec![1.5, -2.5]);
    // f32 → f16 bytes converts; f16 → f16 borrows the very bytes of the file.
    assert_eq!(
        gamma.to_f16_bytes("m").unwrap().as_ref(),
        [
            f16::from_f32(1.5).to_le_bytes(),
            f16::from_f32(-2.5).to_le_bytes()
        ]
        .concat()
    );
    assert!(matches!(conv.to_f16_bytes("m").unwrap(), Cow::Borrowed(_)));
    assert_eq!(
        m.get("encoder/num_heads").unwrap().scalar_int("m").unwrap(),
        6
    );
    assert_eq!(
        m.aliases,
        vec![(
            "decoder/projection/weight".to_string(),
            "decoder/embeddings/weight".to_string()
        )]
    );
}

#[test]
fn splits_fused_rows() {
    let (bytes, _) = small().build();
    let m = parse(&bytes, "model.bin").unwrap();
    let conv = m.get("encoder/conv1/weight").unwrap();
    let second = conv.split_rows(2, 1).unwrap();
    assert_eq!(second.dims, vec![1, 3]);
    assert_eq!(second.to_f32("m").unwrap(), vec![0.0, 0.25, -0.125]);
    assert!(conv.split_rows(4, 0).is_none(), "2 rows cannot split in 4");
}

#[test]
fn truncated_file_names_the_offset_and_the_field() {
    let (bytes, offsets) = small().build();
    // Cut inside the f32 gamma's data: its record is name (2+25) + rank 1 + dim 4 + dtype 1 + n_bytes 4.
    let gamma_at = offsets["encoder/layer_norm/gamma"];
    let data_at = gamma_at + 2 + "encoder/layer_norm/gamma".len() + 1 + 1 + 4 + 1 + 4;
    let cut = &bytes[..data_at + 3];
    let err = parse(cut, "model.bin").unwrap_err();
    match &err {
        ModelError::Ct2Format {
            file,
            offset,
            message,
        } => {
            assert_eq!(file, "model.bin");
            assert_eq!(*offset as usize, data_at);
            assert!(
                message.contains("expected 8 bytes of data of 'encoder/layer_norm/gamma'"),
                "{message}"
            );
            assert!(message.contains("ends after 3"), "{message}");
        }
        other => panic!("wrong error {other:?}"),
    }
    assert!(err.to_string().contains(&format!("byte offset {data_at}")));
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    let (bytes, _) = small().build();
    for len in 0..bytes.len() {
        assert!(
            matches!(parse(&bytes[..len], "m"), Err(ModelError::Ct2Format { .. })),
            "length {len}"
        );
    }
}

#[test]
fn byte_count_that_disagrees_with_dims_is_rejected() {
    let (mut bytes, offsets) = small().build();
    let at = offsets["encoder/conv1/weight"] + 2 + "encoder/conv1/weight".len() + 1 + 1 + 8 + 1;
    bytes[at..at + 4].copy_from_slice(&10u32.to_le_bytes());
    let msg = parse(&bytes, "m").unwrap_err().to_string();
    assert!(
        msg.contains(&format!("byte offset {at}"))
            && msg.contains("need Some(12) bytes, the file says 10"),
        "{msg}"
    );
}

#[test]
fn other_versions_and_trailing_bytes_are_rejected() {
    let (mut bytes, _) = small().build();
    bytes.push(0);
    let msg = parse(&bytes, "m").unwrap_err().to_string();
    assert!(
        msg.contains("1 unexpected bytes after the alias table"),
        "{msg}"
    );
    bytes.pop();
    bytes[..4].copy_from_slice(&5u32.to_le_bytes());
    assert!(matches!(
        parse(&bytes, "m"),
        Err(ModelError::Ct2Unsupported { .. })
    ));
}
