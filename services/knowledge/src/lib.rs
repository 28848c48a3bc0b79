//! FAQ knowledge index: tantivy BM25 fused with embedding similarity.
