#!/usr/bin/env bash
# Compiles the benchmark's kernels HERE (needs q4-nvptx, i.e. MLIR) into
# bench/gpu/kernels/<format>_<N>x<K>.{manifest,*.ptx}, each bundle holding
# functions m1, m4, m16:  (x: MxK f32, storage bytes, y: MxN f32), and the
# GEMM class (tensor cores) in <format>_<N>x<K>_gemm.*: m64, m256, m2048. Format
# q4kq8 is Q4_K with `activations q8_k` (x rounded to Q8_K, dp4a dots; the
# GEMV class only).
# run.sh carries these to the GPU machine, which has no MLIR.
#   [QUANT4_KERNELS="gemv gemm"] bench/gpu/gen_kernels.sh [BUILD_DIR] \
#     [extra q4-nvptx flags]
# QUANT4_GEMM_MS overrides the GEMM class's M values ("64 256 2048"),
# QUANT4_SHAPES the N x K shapes (q4-gpu-bench --shapes runs others).
# The GEMM class is compiled for sm_90a (wgmma; QUANT4_GEMM_CHIP overrides,
# as does a --chip flag), the GEMV class for sm_90.
# QUANT4_KERNELS picks the bundles rebuilt (the others are left as they are),
# QUANT4_FORMATS the formats (default: q4k nf4 nf4dq mxfp4 mxfp4hf q4kq8 q4kh;
# nf4dq is NF4 with double-quantized absmax, mxfp4hf MXFP4 in the hf layout:
# a codes plane, then a scales plane; q4kh is Q4_K with f16 activations);
# QUANT4_KERNEL_DIR writes them elsewhere (gemv_variants.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-/work/build-gpu}
shift || true
q4nvptx=$build/bin/q4-nvptx
out=${QUANT4_KERNEL_DIR:-$here/kernels}
mkdir -p "$out"

storage_bytes() { # format n k
  local n=$2 k=$3
  case $1 in
  q4k | q4kq8 | q4kh) echo $((n * k / 256 * 144)) ;;
  nf4) echo $((n * k / 2 + n * k / 64 * 4)) ;;
  nf4dq) # codes, a qabsmax byte a block, an absmax2 per 256 blocks, offset
    echo $((n * k / 2 + n * k / 64 + (n * k / 64 + 255) / 256 * 4 + 4)) ;;
  mxfp4 | mxfp4hf) echo $((n * k / 32 * 17)) ;;
  esac
}
attr() {
  case $1 in
  q4k | q4kq8 | q4kh) echo '#quant4.q4_k' ;;
  nf4) echo '#quant4.nf4' ;;
  nf4dq) echo '#quant4.nf4<double_quant = true>' ;;
  mxfp4) echo '#quant4.mxfp4' ;;
  mxfp4hf) echo '#quant4.mxfp4<layout = hf>' ;;
  esac
}

chip_given=
for flag in "$@"; do
  case $flag in --chip=*) chip_given=1 ;; esac
done

for class in ${QUANT4_KERNELS:-gemv gemm}; do
  chip=()
  case $class in
  gemv) suffix= ms="1 4 16" ;;
  gemm)
    suffix=_gemm ms=${QUANT4_GEMM_MS:-64 256 2048}
    [ -z "$chip_given" ] && chip=(--chip="${QUANT4_GEMM_CHIP:-sm_90a}")
    ;;
  *) echo "unknown kernel class $class" >&2 && exit 1 ;;
  esac
  for fmt in ${QUANT4_FORMATS:-q4k nf4 nf4dq mxfp4 mxfp4hf q4kq8 q4kh}; do
    [ "$class-$fmt" = gemm-q4kq8 ] && continue
    mode= xtype=f32
    [ "$fmt" = q4kq8 ] && mode=" activations q8_k"
    [ "$fmt" = q4kh ] && xtype=f16
    for shape in ${QUANT4_SHAPES:-4096x4096 11008x4096 14336x4096 4096x14336}; do
      n=${shape%x*} k=${shape#*x}
      b=$(storage_bytes $fmt $n $k)
      bundle=${fmt}_${shape}${suffix}
      rm -f "$out/$bundle".*
      src=$out/$bundle.mlir
      {
        echo "!w = !quant4.blocked<${n}x${k}, $(attr $fmt)>"
        for m in $ms; do
          cat <<MLIR
func.func @m$m(%x: tensor<${m}x${k}x${xtype}>, %raw: tensor<${b}xi8>) -> tensor<${m}x${n}xf32> {
  %w = quant4.from_bytes %raw : tensor<${b}xi8> -> !w
  %y = quant4.matmul %x, %w${mode} : tensor<${m}x${k}x${xtype}>, !w -> tensor<${m}x${n}xf32>
  return %y : tensor<${m}x${n}xf32>
}
MLIR
        done
      } >"$src"
      "$q4nvptx" "$src" -o "$out/$bundle" "${chip[@]}" "$@"
      rm "$src"
    done
  done
done
ls "$out" | wc -l
