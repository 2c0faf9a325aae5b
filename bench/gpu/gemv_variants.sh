#!/usr/bin/env bash
# Measures settings of the GEMV kernel's knobs (quant4-gpu-gemv options,
# q4-nvptx --gemv-*) in one device call.
#   here:  bench/gpu/gemv_variants.sh gen BUILD_DIR DIR [NAME="FLAGS"]...
#          compiles the 14336x4096 and 4096x14336 bundles of every format
#          into DIR/NAME/ for each NAME="q4-nvptx flags" (gen_kernels.sh)
#   there: bench/gpu/gemv_variants.sh run BENCH DIR
#          checks and times every DIR/*/ with BENCH (q4-gpu-bench, built by
#          run.sh) at M = 1, 4, 16; logs to $OUT; prints one table of
#          medians (us), FAIL for a kernel that failed its check.
# Example: gemv_variants.sh gen build-gemv v r2="--gemv-cols-per-thread=2" \
#            u2="--gemv-unroll=2"
# QUANT4_KERNELS=gemm measures the GEMM class instead (all four shapes,
# gen_kernels.sh's M = 64 and 2048); QUANT4_VARIANT_MS sets the M values
# run times (default 1,4,16; for gemm e.g. 2048); QUANT4_FORMATS narrows
# the formats (gen_kernels.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mode=${1:?gen or run}
case $mode in
gen)
  build=${2:?BUILD_DIR} dir=${3:?DIR}
  shift 3
  for spec in "$@"; do
    name=${spec%%=*} flags=${spec#*=}
    # shellcheck disable=SC2086 # flags are words
    QUANT4_KERNELS=${QUANT4_KERNELS:-gemv} QUANT4_KERNEL_DIR=$dir/$name \
      "$here/gen_kernels.sh" "$build" $flags >/dev/null
    if [ "${QUANT4_KERNELS:-gemv}" = gemv ]; then
      rm -f "$dir/$name"/*_4096x4096.* "$dir/$name"/*_11008x4096.*
    fi
  done
  ;;
run)
  bench=${2:?BENCH} dir=${3:?DIR}
  out=${OUT:-/tmp/q4-gemv-variants}
  mkdir -p "$out"
  for v in "$dir"/*/; do
    n=$(basename "$v")
    timeout 150 "$bench" "$v" --ms "${QUANT4_VARIANT_MS:-1,4,16}" \
      >"$out/$n.txt" 2>&1 || true
  done
  python3 - "$out" <<'PY'
import collections, glob, os, sys
rows, names = collections.defaultdict(dict), []
for f in sorted(glob.glob(sys.argv[1] + "/*.txt")):
    name = os.path.basename(f)[:-4]
    names.append(name)
    for line in open(f):
        if line.startswith("RESULT"):
            p = line.split()
            key = (p[1].replace("quant4_", ""), p[2] + "x" + p[3], int(p[4]))
            rows[key][name] = p[5] if ",PASS," in p[8] else "FAIL"
print("| fmt | NxK | M | " + " | ".join(names) + " |")
for key in sorted(rows):
    cells = " | ".join(rows[key].get(n, "-") for n in names)
    print("| %s | %s | %d | %s |" % (key + (cells,)))
PY
  ;;
*) echo "usage: $0 gen|run ..." >&2 && exit 1 ;;
esac
