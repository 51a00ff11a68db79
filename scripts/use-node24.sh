# Source this file (`. scripts/use-node24.sh`) to run the project on Node 24 where the machine's Node is older.
# Node 24 comes from the npm registry: the `node@24` package ships the binary and its C headers, so native
# modules (better-sqlite3) build against Node 24 without downloading anything else. Installed once into
# .tools/ (git-ignored) and reused; ENFYRA_TOOLS_DIR moves it.
enfyra_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(enfyra_node_major)" != 24 ]; then
  _enfyra_root=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)
  _enfyra_tools=${ENFYRA_TOOLS_DIR:-$_enfyra_root/.tools}
  case "$(uname -m)" in
    x86_64|amd64) _enfyra_arch=x64 ;;
    aarch64|arm64) _enfyra_arch=arm64 ;;
    *) _enfyra_arch=$(uname -m) ;;
  esac
  _enfyra_os=$(uname -s | tr '[:upper:]' '[:lower:]')
  _enfyra_node_dir=$_enfyra_tools/node24/node_modules/node/node_modules/node-$_enfyra_os-$_enfyra_arch
  if [ ! -x "$_enfyra_node_dir/bin/node" ]; then
    echo "Node $(node --version 2>/dev/null || echo '(none)') is not 24: installing node@24 from the npm registry into $_enfyra_tools/node24" >&2
    npm install --prefix "$_enfyra_tools/node24" --no-audit --no-fund --loglevel=error node@24 >&2 || return 1 2>/dev/null || exit 1
  fi
  export PATH="$_enfyra_node_dir/bin:$PATH"
  # npm's machine config points node-gyp at the system Node's headers; native modules must build against 24's.
  export npm_config_nodedir="$_enfyra_node_dir"
  unset _enfyra_root _enfyra_tools _enfyra_arch _enfyra_os _enfyra_node_dir
fi
[ "$(enfyra_node_major)" = 24 ] || { echo "could not put Node 24 on PATH" >&2; return 1 2>/dev/null || exit 1; }
