#!/usr/bin/env bash
# Builds and runs q4-bench-cpu-matmul: quant4's JIT-compiled matmul against
# ggml's CPU backend, plus the memory read bandwidth, in one process; prints
# one Markdown table (see docs/PERF.md, "CPU matmul vs ggml").
#
#   bench/cpu/run.sh [BUILD_DIR] [q4-bench-cpu-matmul options...]
#
# BUILD_DIR defaults to build/ (configured like the Makefile if needed).
# ggml comes from the npm package @node-llama-cpp/linux-x64 at the pinned
# version below, installed into BUILD_DIR/ggml-npm (never committed).
set -euo pipefail

GGML_NPM_PACKAGE=@node-llama-cpp/linux-x64
GGML_NPM_VERSION=3.22.1
LLVM_PREFIX=${LLVM_PREFIX:-/usr/lib/llvm-22}

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
[ $# -gt 0 ] && shift
mkdir -p "$build"
build=$(cd "$build" && pwd)

npm_dir=$build/ggml-npm
pkg=$npm_dir/node_modules/$GGML_NPM_PACKAGE
if ! grep -qs "\"version\": \"$GGML_NPM_VERSION\"" "$pkg/package.json"; then
  mkdir -p "$npm_dir"
  echo '{"private": true}' > "$npm_dir/package.json"
  (cd "$npm_dir" && npm install --no-audit --no-fund --ignore-scripts \
    "$GGML_NPM_PACKAGE@$GGML_NPM_VERSION" >&2)
fi

if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER="$LLVM_PREFIX/bin/clang" \
    -DCMAKE_CXX_COMPILER="$LLVM_PREFIX/bin/clang++" \
    -DMLIR_DIR="$LLVM_PREFIX/lib/cmake/mlir" \
    -DLLVM_EXTERNAL_LIT="$LLVM_PREFIX/bin/lit" -DLLVM_USE_LINKER=lld >&2
fi
cmake --build "$build" --target q4-bench-cpu-matmul >&2

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs"
echo "quant4: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')" \
  "$(git -C "$root" status --short -- lib tools 2>/dev/null | grep -q . &&
     echo '(uncommitted changes under lib/ or tools/)')"
echo "command: bench/cpu/run.sh $build $*"
exec "$build/bin/q4-bench-cpu-matmul" --ggml-dir "$pkg/bins/linux-x64" "$@"
