# Shared by the scripts: where caches live and how to install only what is missing.
# A cache outside the clone (cargo target, models, npm) is reused when present; a machine
# without it still works, just slower.

export SWITCHBOARD_CACHE="${SWITCHBOARD_CACHE:-$HOME/.cache/switchboard}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$SWITCHBOARD_CACHE/target}"
export SWITCHBOARD_MODELS="${SWITCHBOARD_MODELS:-$SWITCHBOARD_CACHE/models}"
export npm_config_cache="${npm_config_cache:-$SWITCHBOARD_CACHE/npm}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

say() { printf '\n==> %s\n' "$*" >&2; }

# apt_need PKG... — installs the Debian packages that are not installed yet.
apt_need() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Rust toolchain, Node.js and npm: the machine's own if present, else Debian's.
need_toolchains() {
  command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs) first" >&2; exit 1; }
  # The test command checks formatting and lints.
  for component in rustfmt clippy; do
    cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1 || rustup component add "$component"
  done
  command -v node >/dev/null && command -v npm >/dev/null || apt_need nodejs npm
  command -v python3 >/dev/null || apt_need python3 python3-pip
  # whisper.cpp (through whisper-rs) is built with cmake; its bindings need libclang.
  apt_need pkg-config cmake clang libclang-dev
}

# Installs the default Whisper model (tiny.en, q8_0) into the model cache when missing; the
# converter is Switchboard's own, so this runs after the build.
whisper_model() {
  "$CARGO_TARGET_DIR/debug/switchboard" models install tiny.en
}

# Builds web/dist when it is missing or older than its sources.
build_web() {
  cd "$ROOT/web"
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing web packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  if [ ! -f dist/index.html ] || [ -n "$(find src index.html *.html package.json vite.config.* -newer dist/index.html 2>/dev/null | head -n1)" ]; then
    say "building the web UI"
    npm run build --silent
  fi
  cd "$ROOT"
}
