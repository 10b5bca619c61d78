#!/bin/bash
# profile.sh - where heed's CPU goes under one load: perf record on the
# server (core 0) while wrk (core 1) drives one of the bench scripts.
#
#   bench/profile.sh get|list|list_deep|post [SECONDS]
#
# Uses the cached database run.sh fills (HEED_BENCH_DB, default
# /tmp/heed-bench-1m.db; run bench/run.sh once first), copied so it stays
# unchanged.  Prints the hottest functions, self time, then the callers of the
# hottest ones; the perf.data is kept in /tmp/heed-profile-TEST.data for
# `perf report -i`.  Needs perf (linux-perf) and permission to attach to the
# server (root, or kernel.perf_event_paranoid <= 2 for user-space samples).
set -eu -o pipefail

cd "$(dirname "$0")/.."
TEST=${1:?usage: bench/profile.sh get|list|list_deep|post [SECONDS]}
SECS=${2:-10}
HEED=${HEED_BIN:-build/heed}
CACHE=${HEED_BENCH_DB:-/tmp/heed-bench-1m.db}
CASES=${HEED_BENCH_CASES:-1000000}
[ -s "$CACHE" ] || { echo "profile: no $CACHE; run bench/run.sh first" >&2; exit 1; }
command -v perf >/dev/null || { echo "profile: needs perf (apt-get install linux-perf)" >&2; exit 1; }

TMP=$(mktemp -d /tmp/heed-profile.XXXXXX)
PID=
cleanup() {
	if [ -n "$PID" ]; then
		kill -TERM "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp "$CACHE" "$TMP/heed.db"
printf 'bench-password-%s\n' "$$" |
	"$HEED" agent add --db "$TMP/heed.db" --email bench@bench.example --name Bench \
		--role admin --password-stdin >/dev/null
TOKEN=$("$HEED" token create --db "$TMP/heed.db" --email bench@bench.example)

HEED_LOG_REQUESTS=0 taskset -c 0 "$HEED" serve --db "$TMP/heed.db" --listen 127.0.0.1:0 \
	>"$TMP/heed.log" 2>&1 &
PID=$!
for _ in $(seq 100); do
	PORT=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$TMP/heed.log")
	[ -n "$PORT" ] && break
	sleep 0.1
done
[ -n "${PORT:-}" ] || { echo "profile: heed did not start" >&2; cat "$TMP/heed.log" >&2; exit 1; }

case $TEST in
get) ARGS=(bench/get_case.lua "$TOKEN" "$CASES") ;;
list) ARGS=(bench/list_queue.lua "$TOKEN" "$CASES") ;;
list_deep) ARGS=(bench/list_queue.lua "$TOKEN" "$CASES" deep) ;;
post) ARGS=(bench/post_case.lua "$TOKEN" $((CASES / 20))) ;;
*) echo "profile: unknown test '$TEST'" >&2; exit 2 ;;
esac
SCRIPT=${ARGS[0]}
OUTDATA=/tmp/heed-profile-$TEST.data

# 2 s of warm-up, then perf for SECS seconds inside a longer wrk run.
taskset -c 1 wrk -t1 -c50 -d2s -s "$SCRIPT" "http://127.0.0.1:$PORT" -- "${ARGS[@]:1}" >/dev/null
taskset -c 1 wrk -t1 -c50 -d"$((SECS + 2))s" --timeout 5s --latency -s "$SCRIPT" \
	"http://127.0.0.1:$PORT" -- "${ARGS[@]:1}" >"$TMP/wrk.txt" 2>&1 &
WRK=$!
sleep 1
perf record -q -F 999 --call-graph dwarf,16384 -p "$PID" -o "$OUTDATA" -- sleep "$SECS" 2>/dev/null
wait "$WRK" || true
grep -E 'Requests/sec|99%|Non-2xx|Socket errors' "$TMP/wrk.txt" || true

echo
echo "== self time, top 30 (perf report --no-children) =="
perf report -i "$OUTDATA" --no-children --sort dso,symbol --stdio -g none 2>/dev/null |
	grep -v '^#' | grep -v '^$' | head -30
echo
echo "== inclusive time, top 40 (perf report --children) =="
perf report -i "$OUTDATA" --children --sort symbol --stdio -g none 2>/dev/null |
	grep -v '^#' | grep -v '^$' | head -40
echo
echo "perf data: $OUTDATA (perf report -i $OUTDATA)"
