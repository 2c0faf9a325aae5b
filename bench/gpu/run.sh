#!/usr/bin/env bash
# Runs on the GPU machine in one go, from the repository root:
#   bash bench/gpu/run.sh
# Builds lib/Format + lib/Runtime + the harness with cmake and gcc (no MLIR
# there), checks and times the PTX kernels compiled here by gen_kernels.sh
# (bench/gpu/kernels), measures the d2d copy, cuBLAS bf16 and tinygemm int4
# on the same shapes, and prints one table. Logs go to $OUT (or /tmp).
# QUANT4_BENCH_MS="64,2048" restricts the M values (quant4 and torch).
# It also links the GPU host library gen_hostlib.sh compiled here
# (bench/gpu/hostlib) and checks q4_gemv through its C ABI.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-/tmp/q4-gpu-bench}
mkdir -p "$out"
# One build folder per source folder: cmake refuses a cache made for another
# source path (a warm machine may keep one from an earlier checkout).
build=/tmp/q4-gpu-build-$(printf %s "$root" | cksum | cut -d' ' -f1)
status=0

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.mem \
  --format=csv | tee "$out/device.txt"
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
cmake "${gen[@]}" -S "$root/bench/gpu" -B "$build" -DCMAKE_CXX_COMPILER=g++ \
  -DCMAKE_BUILD_TYPE=Release >"$out/build.log" 2>&1 &&
  cmake --build "$build" -j 16 >>"$out/build.log" 2>&1 ||
  { tail -30 "$out/build.log"; exit 1; }

ms=(); [ -n "${QUANT4_BENCH_MS:-}" ] && ms=(--ms "$QUANT4_BENCH_MS")
timeout 300 "$build/q4-gpu-bench" "$root/bench/gpu/kernels" "${ms[@]}" 2>&1 |
  tee "$out/quant4.txt"
[ "${PIPESTATUS[0]}" = 0 ] || status=1

if [ -x "$build/q4-hostlib-check" ]; then
  timeout 120 "$build/q4-hostlib-check" 2>&1 | tee "$out/hostlib.txt"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
fi

PYTHONUNBUFFERED=1 timeout 240 python3 "$root/bench/gpu/torch_baselines.py" \
  2>&1 | tee "$out/torch.txt"

if [ -n "${QUANT4_NCU:-}" ] && command -v ncu >/dev/null; then
  timeout 120 ncu --section SpeedOfLight --section MemoryWorkloadAnalysis \
    --section LaunchStats --section Occupancy \
    -k regex:m1_kernel -c 1 "$build/q4-gpu-bench" "$root/bench/gpu/kernels" \
    --only q4k_14336x4096 >"$out/ncu.txt" 2>&1
  grep -E "Duration|Throughput|Registers Per|Achieved Occupancy|Grid Size|Block Size" "$out/ncu.txt"
fi

python3 "$root/bench/gpu/table.py" "$out/quant4.txt" "$out/torch.txt" |
  tee "$out/table.md"
echo "correctness: $([ $status = 0 ] && echo all kernels PASS || echo FAILURES)"
exit $status
