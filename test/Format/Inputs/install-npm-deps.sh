#!/usr/bin/env bash
# Installs the pinned @huggingface/gguf parser into DIR/node_modules (a build
# directory, ignored by git) for the GGUF interoperability test.
# usage: install-npm-deps.sh DIR
set -euo pipefail
dir=$1
version=0.4.6
pkg=$dir/node_modules/@huggingface/gguf/package.json
if [ -f "$pkg" ] && grep -q "\"version\": \"$version\"" "$pkg"; then
  exit 0
fi
for tool in node npm; do
  command -v $tool >/dev/null || {
    echo "quant4: '$tool' not found; the GGUF interoperability test needs Node.js >= 20 and npm" >&2
    exit 1
  }
done
mkdir -p "$dir"
echo "quant4: installing @huggingface/gguf@$version into $dir"
if ! npm install --prefix "$dir" --no-audit --no-fund --loglevel=error \
    "@huggingface/gguf@$version" >"$dir/npm-install.log" 2>&1; then
  cat "$dir/npm-install.log" >&2
  echo "quant4: cannot install @huggingface/gguf@$version from the npm registry (offline?); the GGUF interoperability test (test/Format) needs it" >&2
  exit 1
fi
