#!/usr/bin/env bash
# Compares logship binaries on the gen3 -> aws_cloudwatch_logs run (the --recent data of
# bench/run.sh), alternating them N times so that a noisy machine slows both alike:
#
#   bench/ab.sh 5 /path/to/old/logship build/logship
#
# Prints each run's wall, user and sys seconds and peak RSS, then per binary the minimum and the
# median of user + sys CPU seconds and the MB of input per CPU-second they give. Run
# `bench/run.sh --pipeline gen3 --sink aws_cloudwatch_logs --recent` once first: it generates
# the input (bench/data/docker-20-1000-recent).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:?usage: bench/ab.sh N BIN...}
shift
DATA="$ROOT/bench/data/docker-20-1000-recent"
[ -f "$DATA/manifest.json" ] || { echo "ab.sh: no $DATA; run bench/run.sh --recent first" >&2; exit 2; }
MB=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['bytes'] / 1e6)" "$DATA/manifest.json")

one_run() {  # $1 = binary; prints "wall user sys rss_kib"
  local tmp fake
  tmp=$(mktemp -d)
  python3 "$ROOT/tests/e2e/fake_cwl.py" --count-only --port-file "$tmp/port" >/dev/null &
  fake=$!
  for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  cat >"$tmp/config.yaml" <<EOC
data_dir: $tmp/data
sources:
  k8s: {type: kubernetes_logs, include: ["$DATA/*.log"]}
transforms:
  multiline: {type: merge_multiline, inputs: [k8s]}
  gen3: {type: gen3, inputs: [multiline]}
sinks:
  out:
    type: aws_cloudwatch_logs
    inputs: [gen3]
    group: /logship/bench
    endpoint: http://127.0.0.1:$(cat "$tmp/port")
    region: us-east-1
EOC
  AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench AWS_EC2_METADATA_DISABLED=true \
    /usr/bin/time -f '%e %U %S %M' -o "$tmp/time.txt" "$1" run -c "$tmp/config.yaml" \
    --exit-on-eof >/dev/null 2>"$tmp/stderr.log" || { tail -5 "$tmp/stderr.log" >&2; exit 1; }
  kill "$fake"
  wait "$fake" 2>/dev/null || true
  tail -1 "$tmp/time.txt"
  rm -rf "$tmp"
}

cat "$DATA"/*.log >/dev/null  # read from the page cache, as run.sh does
declare -A CPU
for _ in $(seq "$N"); do
  for bin in "$@"; do
    read -r wall user sys rss < <(one_run "$bin")
    CPU[$bin]="${CPU[$bin]:-} $(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')"
    echo "$bin: wall ${wall}s user ${user}s sys ${sys}s peak RSS $((rss / 1024)) MiB"
  done
done
for bin in "$@"; do
  echo "${CPU[$bin]}" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk -v b="$bin" -v mb="$MB" \
    '{a[NR]=$1} END {m=a[int((NR+1)/2)]; printf "%s: CPU s min %.2f median %.2f -> %.1f / %.1f MB per CPU-s\n", b, a[1], m, mb/a[1], mb/m}'
done
