#!/usr/bin/env bash
# logship throughput benchmark: tail generated Kubernetes container logs to EOF, measure time/CPU/RSS.
#
#   bench/run.sh [--total-mb 1000] [--files 20] [--format docker|cri|mixed] [--runs 3]
#                [--sink file|blackhole|local_store|aws_cloudwatch_logs] [--pipeline plain|gen3]
#                [--bin build/logship] [--recent] [--buffer disk]
#
# --pipeline gen3 puts merge_multiline and gen3 (the gen3 agent's transforms) between source and sink.
# --recent generates the files with times from two hours ago instead of 2023 (CloudWatch's window).
# --buffer disk gives the sink a disk buffer (as config/gen3-agent.yaml does): every record is
# appended (and fdatasync'd per batch) to <data_dir>/buffer/out before it is delivered.
#
# Input is generated once into bench/data/<format>-<files>-<mb>/ (see bench/README.md).
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MB=1000 FILES=20 FORMAT=docker RUNS=3 SINK=file PIPELINE=plain BIN=build/logship RECENT=0 BUFFER=memory

usage() { sed -n '2,7s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --total-mb) MB=$2; shift 2 ;;
    --files) FILES=$2; shift 2 ;;
    --format) FORMAT=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --sink) SINK=$2; shift 2 ;;
    --pipeline) PIPELINE=$2; shift 2 ;;
    --bin) BIN=$2; shift 2 ;;
    --recent) RECENT=1; shift ;;
    --buffer) BUFFER=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage 2 >&2 ;;
  esac
done
case "$SINK" in file|blackhole|local_store|aws_cloudwatch_logs) ;;
  *) echo "run.sh: --sink must be file, blackhole, local_store or aws_cloudwatch_logs" >&2; exit 2 ;; esac
case "$BUFFER" in memory|disk) ;; *) echo "run.sh: --buffer must be memory or disk" >&2; exit 2 ;; esac
case "$PIPELINE" in plain|gen3) ;; *) echo "run.sh: --pipeline must be plain or gen3" >&2; exit 2 ;; esac
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac

if [ ! -x "$BIN" ]; then
  echo "run.sh: $BIN not found or not executable; run \`make build\` first (or pass --bin)" >&2
  exit 2
fi
if [ ! -x /usr/bin/time ]; then
  echo "run.sh: /usr/bin/time is missing; install it: apt-get install -y time" >&2
  exit 2
fi

DATA="$ROOT/bench/data/$FORMAT-$FILES-$MB"
GEN_ARGS=()
if [ "$RECENT" = 1 ]; then
  # Times from two hours ago (whole hours, so the files are reused within the hour): inside the
  # window CloudWatch accepts, as a live node's logs are. The default data is from 2023.
  DATA="$DATA-recent"
  GEN_ARGS=(--base-time $(( $(date +%s) / 3600 * 3600 - 7200 )))
fi
python3 "$ROOT/bench/gen_k8s_logs.py" --out "$DATA" --files "$FILES" --total-mb "$MB" --format "$FORMAT" \
  --seed 1 "${GEN_ARGS[@]}" >/dev/null
read -r BYTES RECORDS < <(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["bytes"], m["records"])' \
  "$DATA/manifest.json")
cat "$DATA"/*.log >/dev/null  # warm the page cache: every run reads from memory, not disk

REV=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
echo "input: $DATA ($(awk -v b="$BYTES" 'BEGIN{printf "%.1f", b/1e6}') MB, $RECORDS records), pipeline=$PIPELINE, sink=$SINK, runs=$RUNS, rev=$REV"

TMP=""
FAKE_PID=""
trap 'if [ -n "$FAKE_PID" ]; then kill "$FAKE_PID" 2>/dev/null; fi; if [ -n "$TMP" ]; then rm -rf "$TMP"; fi' EXIT
# aws_cloudwatch_logs: a local endpoint that only accepts and counts (tests/e2e/fake_cwl.py
# --count-only); logship's CPU time is what is measured, the endpoint runs in its own process.
start_fake_cwl() {
  python3 "$ROOT/tests/e2e/fake_cwl.py" --count-only --port-file "$TMP/port" >"$TMP/fake.json" \
    2>"$TMP/fake.log" &
  FAKE_PID=$!
  for _ in $(seq 1 200); do
    [ -s "$TMP/port" ] && return 0
    kill -0 "$FAKE_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "run.sh: the local CloudWatch Logs endpoint did not start:" >&2
  cat "$TMP/fake.log" >&2
  exit 1
}
stop_fake_cwl() {  # prints the events the endpoint counted
  kill -TERM "$FAKE_PID"
  wait "$FAKE_PID" || true
  FAKE_PID=""
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["events_stored"])' "$TMP/fake.json"
}
ROWS=()
# One untimed warm-up run first: on this VM the first run after the page cache was filled by other
# work pays up to 2.5 s more kernel time (page reclaim) than the runs after it.
for run in $(seq 0 "$RUNS"); do
  TMP=$(mktemp -d)
  [ "$SINK" = aws_cloudwatch_logs ] && start_fake_cwl
  {
    echo "data_dir: $TMP/data"
    echo "sources:"
    echo "  k8s:"
    echo "    type: kubernetes_logs"
    echo "    include: [\"$DATA/*.log\"]"
    SINK_INPUT=k8s
    if [ "$PIPELINE" = gen3 ]; then
      echo "transforms:"
      echo "  multiline: {type: merge_multiline, inputs: [k8s]}"
      echo "  gen3: {type: gen3, inputs: [multiline]}"
      SINK_INPUT=gen3
    fi
    echo "sinks:"
    echo "  out:"
    echo "    type: $SINK"
    echo "    inputs: [$SINK_INPUT]"
    [ "$SINK" = file ] && echo "    path: $TMP/out.jsonl"
    [ "$BUFFER" = disk ] && echo "    buffer: {type: disk, max_bytes: 1073741824}"
    # The generated lines carry 2023 times: age retention would delete them as they arrive.
    [ "$SINK" = local_store ] && echo "    path: $TMP/store" && echo "    max_age_hours: 0"
    if [ "$SINK" = aws_cloudwatch_logs ]; then
      echo "    group: /logship/bench"
      echo "    endpoint: http://127.0.0.1:$(cat "$TMP/port")"
      echo "    region: us-east-1"
    fi
  } >"$TMP/config.yaml"

  sync  # the last run's output is on disk, not dirty in memory: every run starts alike
  if ! AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench AWS_EC2_METADATA_DISABLED=true \
      /usr/bin/time -f '%e %U %S %M' -o "$TMP/time.txt" \
      "$BIN" run -c "$TMP/config.yaml" --exit-on-eof >"$TMP/stdout.log" 2>"$TMP/stderr.log"; then
    echo "run $run: logship failed ($(head -1 "$TMP/time.txt")); last lines of stderr:" >&2
    tail -20 "$TMP/stderr.log" >&2
    exit 1
  fi
  read -r WALL USER SYS RSS_KB < <(tail -1 "$TMP/time.txt")
  CWL_EVENTS=""
  [ "$SINK" = aws_cloudwatch_logs ] && CWL_EVENTS=$(stop_fake_cwl)
  if [ "$run" -eq 0 ]; then
    echo "warm-up run: wall ${WALL}s user ${USER}s sys ${SYS}s (not counted)" >&2
    rm -rf "$TMP"
    TMP=""
    continue
  fi
  OUT_LINES=-
  if [ "$SINK" = local_store ]; then
    OUT_LINES="store:$(du -sm "$TMP/store" | cut -f1)MB"
  fi
  [ -n "$CWL_EVENTS" ] && OUT_LINES="events:$CWL_EVENTS"
  if [ "$SINK" = file ]; then
    OUT_LINES=$( [ -f "$TMP/out.jsonl" ] && wc -l <"$TMP/out.jsonl" || echo 0)
    rm -f "$TMP/out.jsonl"
  fi
  ROW=$(awk -v b="$BYTES" -v r="$RECORDS" -v w="$WALL" -v u="$USER" -v s="$SYS" -v k="$RSS_KB" 'BEGIN {
    wall = (w < 0.01 ? 0.01 : w); cpu = (u + s < 0.01 ? 0.01 : u + s)
    printf "%.2f %.2f %.2f %.1f %.0f %.1f %.1f", w, u, s, b / 1e6 / wall, r / wall, b / 1e6 / cpu, k / 1024 }')
  ROWS+=("$run $ROW $OUT_LINES")
  echo "run $run: wall ${WALL}s user ${USER}s sys ${SYS}s, output lines $OUT_LINES" >&2
  rm -rf "$TMP"
  TMP=""
done

# median of column $1 over the runs
median() { printf '%s\n' "${ROWS[@]}" | awk -v c="$1" '{print $c}' | sort -g |
  awk '{v[NR]=$1} END {printf "%s", (NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2)}'; }

echo
echo "| run | wall s | user s | sys s | input MB/s | records/s | input MB per CPU-s | peak RSS MiB | output lines |"
echo "|---|---|---|---|---|---|---|---|---|"
for row in "${ROWS[@]}"; do
  echo "| ${row// / | } |"
done
MED=()
for c in 2 3 4 5 6 7 8; do MED+=("$(median $c)"); done
printf '| median | %.2f | %.2f | %.2f | %.1f | %.0f | %.1f | %.1f | |\n' "${MED[@]}"
echo
printf 'bench: %s %s files %.1f MB %s records pipeline=%s sink=%s runs=%s rev=%s | median %.1f MB/s, %.0f records/s, %.1f MB/CPU-s, peak RSS %.1f MiB\n' \
  "$FORMAT" "$FILES" "$(awk -v b="$BYTES" 'BEGIN{print b/1e6}')" "$RECORDS" "$PIPELINE" "$SINK" "$RUNS" "$REV" \
  "${MED[3]}" "${MED[4]}" "${MED[5]}" "${MED[6]}"
