#!/usr/bin/env bash
# Runs every model file fuzzer of a QUANT4_FUZZ=ON build for SECONDS each.
# usage: fuzz/run.sh BUILD_DIR SECONDS
# Corpora grow in BUILD_DIR/fuzz/corpus/<fuzzer>; crashes land in
# BUILD_DIR/fuzz/artifacts/ and make this script fail.
set -euo pipefail
build=$1
seconds=${2:-60}
src=$(cd "$(dirname "$0")" && pwd)
bin=$build/bin
work=$build/fuzz
seeds=$work/seeds
rm -rf "$seeds"
"$bin/quant4-fuzz-seeds" "$seeds"
mkdir -p "$work/artifacts"
status=0
for pair in gguf-reader-fuzzer:gguf safetensors-reader-fuzzer:safetensors; do
  fuzzer=${pair%%:*}
  kind=${pair##*:}
  corpus=$work/corpus/$fuzzer
  mkdir -p "$corpus"
  echo "== $fuzzer: ${seconds}s"
  if ! "$bin/$fuzzer" "$corpus" "$seeds/$kind" -dict="$src/$kind.dict" \
      -max_total_time="$seconds" -max_len=8192 -rss_limit_mb=2048 \
      -timeout=10 -artifact_prefix="$work/artifacts/$fuzzer-" \
      -print_final_stats=1 2>"$work/$fuzzer.log"; then
    tail -40 "$work/$fuzzer.log"
    status=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/$fuzzer.log" || true
done
exit $status
