#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) one after the other, on the seeded corpus,
# and prints one line per target: runs, coverage, corpus size, and whether it crashed.
# Logs go to fuzz/artifacts/logs/<target>.log, crashes to fuzz/artifacts/<target>/.
# Usage: fuzz/run_all.sh [SECONDS] [TARGET...]
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=($(cargo +nightly fuzz list))
[ -d corpus ] || ./build_corpus.sh >/dev/null
mkdir -p artifacts/logs
cargo +nightly fuzz build -s none >/dev/null 2>&1 || { echo "fuzz build failed" >&2; exit 1; }
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  log="artifacts/logs/$t.log"
  cargo +nightly fuzz run -s none "$t" "corpus/$t" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  size=$(ls "corpus/$t" | wc -l)
  if [ $rc -eq 0 ]; then
    echo "$t: ${seconds}s, ${runs:-?} runs, cov ${cov:-?}, corpus $size, no crash"
  else
    status=1
    echo "$t: CRASH after ${runs:-?} runs (exit $rc) — see $log and artifacts/$t/"
    grep -m3 -E "panicked at|ERROR:" "$log" | sed 's/^/    /'
  fi
done
exit $status
