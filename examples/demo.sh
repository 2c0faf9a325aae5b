#!/usr/bin/env bash
# make demo: runs q4-opt on the embedded default example and says what it did.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
q4opt="$build/bin/q4-opt"
example="$root/examples/constant_q4k.mlir"

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$2"; }

step "The example: one Q4_K block (ggml's bytes for 256 N(0,1) values) held in the IR" \
     "cat examples/constant_q4k.mlir"
sed -n '/^func.func/,/^}/p' "$example"

step "Parse and verify it, print it back (the 144-byte blob stays a resource)" \
     "q4-opt examples/constant_q4k.mlir"
"$q4opt" "$example" | sed -n '/^module/,/^}/p'

step "Canonicalize: to_bytes(constant) folds to the bytes, from_bytes(to_bytes) folds, dead ops go" \
     "q4-opt --canonicalize examples/constant_q4k.mlir"
"$q4opt" --canonicalize "$example" | sed -n '/^module/,/^}/p'

step "A malformed type is rejected with a located diagnostic" \
     "echo 'func.func private @f(!quant4.blocked<4x100, #quant4.q4_k>)' | q4-opt"
if echo 'func.func private @f(!quant4.blocked<4x100, #quant4.q4_k>)' | "$q4opt" 2>&1; then
  echo "demo: expected q4-opt to reject the malformed type" >&2
  exit 1
fi
echo "(exit status non-zero, as expected)"
