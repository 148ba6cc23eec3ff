#!/usr/bin/env bash
# Installs (once) and checks everything the end-to-end tests in a real VS Code need, then builds and
# packages the extension for them. Idempotent: on a machine where everything is present it only
# rebuilds the extension and finishes in seconds.
#
#   - Debian packages: chromium, and the headers code-server's native modules build against
#     (libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config, g++, make, python3)
#   - Node 24 (npm package node-linux-<arch>@24) and code-server (npm) into a cache folder outside
#     the repository: ${TOOLFLOW_E2E_CACHE:-$HOME/.cache/toolflow-e2e}
#   - the extension: `node esbuild.js` and `vsce package` into .e2e/toolflow-studio.vsix
#
# Writes .e2e/setup.json (paths of code-server, Node 24, Chromium, the .vsix), read by
# test/e2e/support/. Environment: TOOLFLOW_E2E_CACHE (cache folder), TOOLFLOW_E2E_SKIP_PACKAGE=1 (do
# not rebuild the extension), TOOLFLOW_E2E_REPACKAGE=1 (rebuild it even when it looks up to date), CHROMIUM (browser executable, default /usr/bin/chromium).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${TOOLFLOW_E2E_CACHE:-${HOME:-/root}/.cache/toolflow-e2e}"
CODE_SERVER_VERSION="4.139.1"
NODE_MAJOR="24"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
STARTED=$(date +%s)

log() { printf '[e2e-setup] %s\n' "$*" >&2; }
fail() { printf '[e2e-setup] error: %s\n' "$*" >&2; exit 1; }

case "$(uname -m)" in
  x86_64) NODE_ARCH=x64 ;;
  aarch64 | arm64) NODE_ARCH=arm64 ;;
  *) fail "unsupported CPU architecture $(uname -m); code-server's npm package ships linux x64 and arm64 only" ;;
esac

# --- 1. Debian packages ------------------------------------------------------------------------
APT_PACKAGES=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config g++ make python3)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "missing Debian packages (${missing[*]}); run this script as root or install them with apt-get"
    SUDO="sudo"
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
[ -x "$CHROMIUM" ] || fail "Chromium not found at $CHROMIUM (set CHROMIUM=/path/to/chromium)"

# --- 2. Node 24 from the npm registry ------------------------------------------------------------
mkdir -p "$CACHE"
NODE_PKG_DIR="$CACHE/node$NODE_MAJOR/node_modules/node-linux-$NODE_ARCH"
NODE24="$NODE_PKG_DIR/bin/node"
if ! [ -x "$NODE24" ] || ! "$NODE24" --version 2>/dev/null | grep -q "^v$NODE_MAJOR\."; then
  log "installing Node $NODE_MAJOR (npm package node-linux-$NODE_ARCH@$NODE_MAJOR) into $CACHE/node$NODE_MAJOR"
  rm -rf "$CACHE/node$NODE_MAJOR"
  mkdir -p "$CACHE/node$NODE_MAJOR"
  (cd "$CACHE/node$NODE_MAJOR" && echo '{"name":"toolflow-e2e-node","private":true}' >package.json &&
    npm install --no-audit --no-fund --loglevel=error "node-linux-$NODE_ARCH@$NODE_MAJOR" >&2)
  [ -x "$NODE24" ] || fail "Node $NODE_MAJOR did not install to $NODE24"
fi
NODE24_VERSION="$("$NODE24" --version)"
NODE24_BIN_DIR="$(dirname "$NODE24")"

# --- 3. code-server ----------------------------------------------------------------------------
CS_PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
CS_PKG="$CS_PREFIX/node_modules/code-server"
CS_READY="$CS_PREFIX/.toolflow-ready"
# Node 24 first on PATH, so npm, node-gyp and code-server's postinstall all run on it and build
# native modules against its headers (the system npm config may point nodedir at Node 20's).
SYSTEM_PATH="$PATH"
export PATH="$NODE24_BIN_DIR:$PATH"
export npm_config_nodedir="$NODE_PKG_DIR"
export npm_config_user_agent="npm/$(npm --version) node/$NODE24_VERSION linux $NODE_ARCH"

native_modules_built() {
  # The server side of VS Code needs these native modules: each must have its .node file and load
  # in Node 24 (a module built for another Node ABI fails here, not later in a test).
  local vs="$CS_PKG/lib/vscode/node_modules" m
  for m in node-pty @vscode/spdlog @vscode/native-watchdog; do
    [ -d "$vs/$m" ] || continue
    find "$vs/$m" -name '*.node' 2>/dev/null | grep -q . || return 1
    "$NODE24" -e "require(process.argv[1])" "$vs/$m" >/dev/null 2>&1 || return 1
  done
  return 0
}

if ! [ -f "$CS_READY" ] || ! native_modules_built; then
  log "installing code-server $CODE_SERVER_VERSION into $CS_PREFIX (a few minutes on 2 cores)"
  mkdir -p "$CS_PREFIX"
  (cd "$CS_PREFIX" && { [ -f package.json ] || echo '{"name":"toolflow-e2e-code-server","private":true}' >package.json; } &&
    npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2)
  [ -f "$CS_PKG/out/node/entry.js" ] || fail "code-server did not install to $CS_PKG"
  if [ ! -d "$CS_PKG/lib/vscode/node_modules" ] || ! native_modules_built; then
    # npm 11 may skip dependencies' install scripts that are not approved; run them by hand.
    log "building code-server's native modules (npm skipped their install scripts)"
    if [ ! -d "$CS_PKG/lib/vscode/node_modules" ]; then
      (cd "$CS_PKG" && bash ./postinstall.sh >&2) || fail "code-server's postinstall.sh failed"
    fi
    (cd "$CS_PKG/lib/vscode" && { npm install-scripts approve --all >&2 2>/dev/null || true; } &&
      npm rebuild --loglevel=error >&2) || fail "rebuilding code-server's native modules failed"
  fi
  native_modules_built || fail "code-server's native modules are still not built in $CS_PKG/lib/vscode/node_modules"
  "$NODE24" "$CS_PKG/out/node/entry.js" --version >/dev/null 2>&1 || fail "code-server does not start: $NODE24 $CS_PKG/out/node/entry.js --version"
  touch "$CS_READY"
fi
CS_VERSION_LINE="$("$NODE24" "$CS_PKG/out/node/entry.js" --version 2>/dev/null | head -1)"
log "code-server ready: $CS_VERSION_LINE (Node $NODE24_VERSION)"

# --- 4. the extension, built and packaged --------------------------------------------------------
mkdir -p "$ROOT/.e2e"
VSIX="$ROOT/.e2e/toolflow-studio.vsix"
# Repackaged when anything it is built from is newer than the .vsix (or TOOLFLOW_E2E_REPACKAGE=1).
vsix_stale() {
  [ -f "$VSIX" ] || return 0
  [ "${TOOLFLOW_E2E_REPACKAGE:-}" = "1" ] && return 0
  local inputs=() p
  for p in src webview-ui schemas media models package.json package-lock.json esbuild.js scripts/package-extension.mjs README.md; do
    [ -e "$ROOT/$p" ] && inputs+=("$ROOT/$p")
  done
  [ -n "$(find "${inputs[@]}" -newer "$VSIX" -print -quit 2>/dev/null)" ]
}
if [ "${TOOLFLOW_E2E_SKIP_PACKAGE:-}" = "1" ] && [ -f "$VSIX" ]; then
  log "using the existing $VSIX (TOOLFLOW_E2E_SKIP_PACKAGE=1)"
elif ! vsix_stale; then
  log "the packaged extension is up to date: $VSIX"
else
  log "building and packaging the extension"
  (cd "$ROOT" && PATH="$SYSTEM_PATH" && unset npm_config_nodedir npm_config_user_agent &&
    node scripts/package-extension.mjs --out "$VSIX" >&2) || fail "packaging the extension failed"
fi

cat >"$ROOT/.e2e/setup.json" <<EOF
{
  "node": "$NODE24",
  "nodeVersion": "$NODE24_VERSION",
  "codeServerEntry": "$CS_PKG/out/node/entry.js",
  "codeServerVersion": "$CS_VERSION_LINE",
  "chromium": "$CHROMIUM",
  "vsix": "$VSIX"
}
EOF
log "done in $(( $(date +%s) - STARTED ))s; wrote .e2e/setup.json"
