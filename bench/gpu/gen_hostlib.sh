#!/usr/bin/env bash
# Compiles HERE (needs q4-compile, i.e. MLIR) the GPU host library that
# run.sh checks on the GPU machine: examples/gemv_q4k.mlir (a 4096x4096
# Q4_K GEMV) through `q4-compile --target=nvptx --emit=obj` into
# bench/gpu/hostlib/gemv_q4k.{o,h}: the wrappers with the PTX and manifest
# embedded. The GPU machine (no MLIR, its own glibc) links the object with
# lib/Runtime built there (bench/gpu/CMakeLists.txt), as q4-compile links
# OUT.so here.
#   bench/gpu/gen_hostlib.sh [BUILD_DIR] [extra q4-compile flags]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-/work/build-gpu}
shift || true
mkdir -p "$here/hostlib"
"$build/bin/q4-compile" "$here/../../examples/gemv_q4k.mlir" --target=nvptx \
  --chip=sm_90 --emit=obj -o "$here/hostlib/gemv_q4k.o" "$@"
ls -l "$here/hostlib"
