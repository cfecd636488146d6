#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for FUZZ_SECONDS on a copy of
# its corpus, so a run never changes fuzz/corpus/. Prints each target's executions and coverage;
# fails if any target finds a crash, a leak, a timeout or a broken property.
#
#   scripts/fuzz.sh                 every target (FUZZ_SECONDS=60 by default)
#   scripts/fuzz.sh json gen3       some targets
#   FUZZ_MERGE=1 scripts/fuzz.sh    then replace fuzz/corpus/<target>/ by a minimised merge of it
#                                   and what the run found (regress-* inputs are always kept)
#
# A crashing input is kept in build-fuzz/fuzz-runs/<target>/; see fuzz/README.md to reproduce it.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
build=${FUZZ_BUILD:-build-fuzz}
jobs=${JOBS:-2}

./scripts/install-deps.sh
CC=clang CXX=clang++ cmake -S . -B "$build" -DLOGSHIP_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$jobs"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in fuzz/*_fuzz.cpp; do
    name=$(basename "$src" _fuzz.cpp)
    targets+=("$name")
  done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
failed=()
summary=()
for name in "${targets[@]}"; do
  exe="$build/fuzz/${name}_fuzz"
  run="$build/fuzz-runs/$name"
  rm -rf "$run"
  mkdir -p "$run/corpus"
  if [ -d "fuzz/corpus/$name" ]; then
    cp -r "fuzz/corpus/$name/." "$run/corpus/"
  fi
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
    -artifact_prefix="$run/")
  [ -f "fuzz/$name.dict" ] && args+=(-dict="fuzz/$name.dict")
  echo "fuzz: $name for ${seconds}s"
  status=0
  "$exe" "${args[@]}" "$run/corpus" >"$run/log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$run/log" | tail -1 | cut -d' ' -f2)
  if [ "$status" -ne 0 ]; then
    failed+=("$name")
    tail -n 60 "$run/log"
    summary+=("$(printf '%-14s FAILED (exit %s); input and log in %s/' "$name" "$status" "$run")")
  else
    summary+=("$(printf '%-14s %10s execs  cov %s' "$name" "${execs:-?}" "${cov:-?}")")
  fi
  if [ "${FUZZ_MERGE:-0}" = 1 ] && [ "$status" -eq 0 ]; then
    # A fresh minimal corpus covering the edges of both (edges, not hit counts: a few hundred
    # files rather than thousands); the inputs of fixed bugs (regress-*) stay regardless.
    mkdir -p "$run/merged" "fuzz/corpus/$name"
    "$exe" -merge=1 -use_counters=0 -timeout=10 "$run/merged" "fuzz/corpus/$name" "$run/corpus" \
      >>"$run/log" 2>&1
    find "fuzz/corpus/$name" -type f ! -name 'regress-*' -delete
    cp "$run/merged/." "fuzz/corpus/$name/" -r
  fi
done

echo "fuzz: results (${seconds}s per target)"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}"
  exit 1
fi
