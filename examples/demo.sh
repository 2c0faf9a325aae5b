#!/usr/bin/env bash
# make demo: compiles the embedded default model (examples/mlp: an MLP block
# with Q4_K weights in a GGUF file) ahead of time to a shared library, runs it
# from C, checks it against a float64 reference and reports time and GB/s;
# then builds it again with the weights read from the GGUF at load time.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
out="$build/demo"
bin="$build/bin"
python=/usr/bin/python3
cc=$(command -v cc || command -v clang || echo /usr/lib/llvm-22/bin/clang)
mkdir -p "$out"

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$2"; }

step "1. Make the model: deterministic weights, quantized to Q4_K by lib/Format, written to a GGUF" \
     "python3 examples/mlp/make_model.py $out"
PYTHONPATH="$build/python" "$python" "$root/examples/mlp/make_model.py" "$out"

step "2. Inspect the GGUF" "q4-quant inspect $out/mlp_q4k.gguf"
"$bin/q4-quant" inspect "$out/mlp_q4k.gguf"

step "3. The model in quant4 IR (weights named in the GGUF)" "cat examples/mlp/mlp_q4k.mlir"
sed -n '/^!up/,$p' "$root/examples/mlp/mlp_q4k.mlir"

step "4. Import the weights into the module (zero-copy dense_resource blobs)" \
     "q4-opt --pass-pipeline='builtin.module(quant4-import-weights{base-dir=$out})' -o $out/mlp.mlir"
"$bin/q4-opt" "$root/examples/mlp/mlp_q4k.mlir" \
  --pass-pipeline="builtin.module(quant4-import-weights{base-dir=$out})" -o "$out/mlp.mlir"
grep -E 'quant4\.(constant|matmul)' "$out/mlp.mlir" | sed 's/^ */  /'

step "5. Compile ahead of time: quant4 -> linalg -> tiled loops -> LLVM -> shared library + C header" \
     "q4-compile $out/mlp.mlir -o $out/libmlp.so --header $out/mlp.h"
"$bin/q4-compile" "$out/mlp.mlir" -o "$out/libmlp.so" --header "$out/mlp.h"
grep -E "^(#define Q4_MLP_.*_ELEMENTS|int q4_mlp)" "$out/mlp.h"

step "6. Link a C program against it and run it" \
     "cc -include mlp.h examples/mlp/mlp_main.c libmlp.so -o mlp && ./mlp x.f32 y_ref.f64 ..."
"$cc" -O2 -std=gnu11 -include "$out/mlp.h" "$root/examples/mlp/mlp_main.c" \
  "$out/libmlp.so" -Wl,-rpath,"$out" -lm -o "$out/mlp"
weight_bytes=$(( 2 * 4096 * 1024 / 256 * 144 ))
"$out/mlp" "$out/x.f32" "$out/y_ref.f64" "$weight_bytes" 5

step "7. Or read the weights at load time: the library memory-maps the GGUF at the first call" \
     "q4-compile examples/mlp/mlp_q4k.mlir --weights=load --weights-dir $out -o libmlp_load.so --lib-name mlp"
"$bin/q4-compile" "$root/examples/mlp/mlp_q4k.mlir" --weights=load \
  --weights-dir "$out" -o "$out/libmlp_load.so" --header "$out/mlp_load.h" --lib-name mlp
grep -E "^int q4_mlp" "$out/mlp_load.h"
"$cc" -O2 -std=gnu11 -include "$out/mlp_load.h" "$root/examples/mlp/mlp_main.c" \
  "$out/libmlp_load.so" -Wl,-rpath,"$out" -lm -o "$out/mlp_load"
ls -l "$out/libmlp.so" "$out/libmlp_load.so" | awk '{print $5, $NF}'
"$out/mlp_load" "$out/x.f32" "$out/y_ref.f64" "$weight_bytes" 5
