#!/bin/bash
# run.sh - heed's load test: build, fill (or reuse) a 1M-case database, start
# heed and the libwebsockets hello baseline pinned to core 0, drive them with
# wrk pinned to core 1, and print a markdown table of medians.
#
#   bench/run.sh [HEED_BINARY]          (or: make bench)
#
# Environment (all optional):
#   HEED_BENCH_DB        cached filled database (default /tmp/heed-bench-1m.db,
#                        or /tmp/heed-bench-N.db when HEED_BENCH_CASES is set);
#                        made once, then copied for every run so POSTs never
#                        grow it
#   HEED_BENCH_CASES     cases in the database (default 1000000)
#   HEED_BENCH_DURATION  seconds per wrk round (default 10)
#   HEED_BENCH_ROUNDS    rounds per test; the median is reported (default 3)
#   HEED_BENCH_CONNS     connections for the ordinary rounds (default 50)
#   HEED_BENCH_OUT       directory kept with the raw wrk output and server
#                        logs (default /tmp/heed-bench-last)
#   HEED_BENCH_SERVER_CPU / HEED_BENCH_CLIENT_CPU   cores (default 0 / 1)
#
# Bounded: every wrk run has -d and --timeout; after the fill the whole run
# takes about (6 tests x rounds + 1) x duration plus warm-ups: ~4 minutes
# with the defaults.  Every process it starts is stopped on exit.
set -eu

cd "$(dirname "$0")/.."
HEED=${1:-build/heed}
BUILD=$(dirname "$HEED")
CASES=${HEED_BENCH_CASES:-1000000}
if [ "$CASES" = 1000000 ]; then
	CACHE=${HEED_BENCH_DB:-/tmp/heed-bench-1m.db}
else
	CACHE=${HEED_BENCH_DB:-/tmp/heed-bench-$CASES.db}
fi
CUSTOMERS=$((CASES / 20 > 0 ? CASES / 20 : 1))
DUR=${HEED_BENCH_DURATION:-10}
ROUNDS=${HEED_BENCH_ROUNDS:-3}
CONNS=${HEED_BENCH_CONNS:-50}
OUT=${HEED_BENCH_OUT:-/tmp/heed-bench-last}
SCPU=${HEED_BENCH_SERVER_CPU:-0}
CCPU=${HEED_BENCH_CLIENT_CPU:-1}

TMP=$(mktemp -d /tmp/heed-bench.XXXXXX)
HEED_PID=
HELLO_PID=

stop_pid() { # stop_pid PID: SIGTERM, wait up to 15 s, then SIGKILL
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 150); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
		sleep 0.1
	done
	echo "bench: pid $pid ignored SIGTERM; killing it" >&2
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	stop_pid "$HELLO_PID"
	stop_pid "$HEED_PID"
	HELLO_PID= HEED_PID=
	mkdir -p "$OUT"
	cp "$TMP"/*.txt "$TMP"/*.log "$OUT"/ 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "bench: $*" >&2; }

for tool in wrk taskset curl; do
	command -v $tool >/dev/null || { log "needs '$tool' (apt-get install $tool)"; exit 1; }
done

# ---- build -------------------------------------------------------------------
make --no-print-directory BUILD="$BUILD" "$HEED" bench-bin >&2

# ---- data --------------------------------------------------------------------
if [ ! -s "$CACHE" ]; then
	log "filling $CACHE with $CASES cases (once; later runs reuse it)"
	rm -f "$CACHE.tmp" "$CACHE.tmp-wal" "$CACHE.tmp-shm"
	"$BUILD/bench/fill" --db "$CACHE.tmp" --cases "$CASES" | tee "$TMP/fill.txt" >&2
	mv "$CACHE.tmp" "$CACHE"
else
	log "reusing $CACHE (delete it to fill again)"
fi
DB=$TMP/heed.db
cp "$CACHE" "$DB"
DB_MB=$(( $(stat -c %s "$DB") / 1048576 ))

printf 'bench-password-%s\n' "$$" |
	"$HEED" agent add --db "$DB" --email bench@bench.example --name Bench \
		--role admin --password-stdin >&2
TOKEN=$("$HEED" token create --db "$DB" --email bench@bench.example)

# ---- helpers -----------------------------------------------------------------
# wait_port FILE: the port printed in a "listening on http://HOST:PORT" line.
wait_port() {
	local i p
	for i in $(seq 100); do
		p=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$1" | head -1)
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.1
	done
	return 1
}

rss_kb() { # rss_kb PID FIELD
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# to_ms "1.23ms" | "456.00us" | "1.02s" -> milliseconds
to_ms() {
	awk -v v="$1" 'BEGIN {
		if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
		else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
		else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.2f", v * 60000 }
		else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
		else print "?" }'
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# wrk_once NAME ROUND CONNS URL SCRIPT [SCRIPT ARGS...]: one round into
# $TMP/NAME.ROUND.txt; prints "req/s p99_ms non2xx errors".
wrk_once() {
	local name=$1 round=$2 conns=$3 url=$4 script=$5 f
	shift 5
	local s0 c0 t0 s1 c1 t1
	f=$TMP/$name.$round.txt
	echo "# load $(cut -d' ' -f1-3 /proc/loadavg)" >"$f"
	s0=$(proc_ticks "$SERVER_PID"); c0=$(core_ticks "$CCPU"); t0=$(date +%s.%N)
	if [ -n "$script" ]; then
		taskset -c "$CCPU" wrk -t1 -c"$conns" -d"${DUR}s" --timeout 5s --latency \
			-s "$script" "$url" -- "$@" >>"$f" 2>&1 || true
	else
		taskset -c "$CCPU" wrk -t1 -c"$conns" -d"${DUR}s" --timeout 5s --latency \
			"$url" >>"$f" 2>&1 || true
	fi
	s1=$(proc_ticks "$SERVER_PID"); c1=$(core_ticks "$CCPU"); t1=$(date +%s.%N)
	awk -v s="$((s1 - s0))" -v c="$((c1 - c0))" -v t0="$t0" -v t1="$t1" -v hz="$HZ" 'BEGIN {
		printf "# cpu%%: server process %.0f client core %.0f\n",
			100 * s / hz / (t1 - t0), 100 * c / hz / (t1 - t0) }' >>"$f"
	awk -v name="$name" '
		/^Requests\/sec:/ { rps = $2 }
		/^ *99%/ { p99 = $2 }
		/Non-2xx or 3xx responses:/ { non2xx = $NF }
		/Socket errors:/ { sub(/.*Socket errors: /, ""); err = $0; gsub(/ /, "", err) }
		/^# cpu%: server process/ { scpu = $5; ccpu = $8 }
		END { printf "%s %s %s %s %s %s\n", rps ? rps : 0, p99 ? p99 : "?",
			non2xx ? non2xx : 0, scpu, ccpu, err ? err : "none" }' "$f"
}

HZ=$(getconf CLK_TCK)
# proc_ticks PID: user + system ticks of a process, all its threads.
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# core_ticks N: busy ticks of core N (all but idle and iowait).
core_ticks() { awk -v c="cpu$1" '$1 == c { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# warm NAME CONNS URL SCRIPT ARGS...: 2 s untimed, so caches are warm.
warm() {
	local dur=$DUR
	DUR=2 wrk_once "$1-warmup" 0 "${@:2}" >/dev/null
	DUR=$dur
}

declare -A RPS P99 ALLRPS BAD SCPU_ CCPU_
record() { # record NAME "rps p99 non2xx server_cpu client_cpu errors"
	local name=$1 rps p99 non2xx scpu ccpu errs
	read -r rps p99 non2xx scpu ccpu errs <<<"$2"
	ALLRPS[$name]="${ALLRPS[$name]:-} $rps"
	P99[$name]="${P99[$name]:-} $(to_ms "$p99")"
	SCPU_[$name]="${SCPU_[$name]:-} $scpu"
	CCPU_[$name]="${CCPU_[$name]:-} $ccpu"
	if [ "$non2xx" != 0 ] || [ "$errs" != none ]; then
		BAD[$name]="${BAD[$name]:-}non-2xx $non2xx, socket errors $errs; "
	fi
	log "$name: $rps req/s, p99 $p99, non-2xx $non2xx, server CPU $scpu%, client core $ccpu%, errors $errs"
}

# ---- servers -----------------------------------------------------------------
HEED_LOG_REQUESTS=0 taskset -c "$SCPU" "$HEED" serve --db "$DB" --listen 127.0.0.1:0 \
	>"$TMP/heed.log" 2>&1 &
HEED_PID=$!
SERVER_PID=$HEED_PID
PORT=$(wait_port "$TMP/heed.log") || { log "heed did not start:"; cat "$TMP/heed.log" >&2; exit 1; }
sleep 1
IDLE_RSS=$(rss_kb $HEED_PID VmRSS)
IDLE_ANON=$(rss_kb $HEED_PID RssAnon)
IDLE_FILE=$(rss_kb $HEED_PID RssFile)
BASE=http://127.0.0.1:$PORT

taskset -c "$SCPU" "$BUILD/bench/hello" 0 >"$TMP/hello.log" 2>&1 &
HELLO_PID=$!
HPORT=$(wait_port "$TMP/hello.log") || { log "hello did not start"; exit 1; }
HELLO_IDLE=$(rss_kb $HELLO_PID VmRSS)

code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/cases/1")
[ "$code" = 200 ] || { log "GET /api/v1/cases/1 gave $code, not 200"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HPORT/hello")
[ "$code" = 200 ] || { log "GET /hello gave $code, not 200"; exit 1; }
log "heed on :$PORT (pid $HEED_PID), hello on :$HPORT (pid $HELLO_PID), db $DB_MB MB, $ROUNDS x ${DUR}s rounds"

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- tests -------------------------------------------------------------------
# hello and GET case alternate round by round, so a burst of load from
# elsewhere on the machine hits both and the ratio stays fair.
HELLO=http://127.0.0.1:$HPORT/hello
SERVER_PID=$HELLO_PID; warm hello "$CONNS" "$HELLO" ""
SERVER_PID=$HEED_PID; warm get "$CONNS" "$BASE" bench/get_case.lua "$TOKEN" "$CASES"
for r in $(seq "$ROUNDS"); do
	SERVER_PID=$HELLO_PID
	record hello "$(wrk_once hello "$r" "$CONNS" "$HELLO" "")"
	SERVER_PID=$HEED_PID
	record get "$(wrk_once get "$r" "$CONNS" "$BASE" bench/get_case.lua "$TOKEN" "$CASES")"
done
HELLO_RSS=$(rss_kb $HELLO_PID VmRSS)
SERVER_PID=$HELLO_PID
record hello_1000 "$(wrk_once hello_1000 1 1000 "$HELLO" "")"
SERVER_PID=$HEED_PID
record get_1000 "$(wrk_once get_1000 1 1000 "$BASE" bench/get_case.lua "$TOKEN" "$CASES")"
HELLO_RSS_1000=$(rss_kb $HELLO_PID VmRSS)
stop_pid "$HELLO_PID"
HELLO_PID=

warm list "$CONNS" "$BASE" bench/list_queue.lua "$TOKEN" "$CASES"
for r in $(seq "$ROUNDS"); do
	record list "$(wrk_once list "$r" "$CONNS" "$BASE" bench/list_queue.lua "$TOKEN" "$CASES")"
done
# One connection: the page's own time, without 49 other requests queued
# ahead of it (with 50 connections p99 is mostly queueing: 50 / req/s).
record list_c1 "$(wrk_once list_c1 1 1 "$BASE" bench/list_queue.lua "$TOKEN" "$CASES")"
warm list_deep "$CONNS" "$BASE" bench/list_queue.lua "$TOKEN" "$CASES" deep
for r in $(seq "$ROUNDS"); do
	record list_deep "$(wrk_once list_deep "$r" "$CONNS" "$BASE" bench/list_queue.lua "$TOKEN" "$CASES" deep)"
done
BEFORE_POST=$(sqlite3 "file:$DB?mode=ro" 'SELECT count(*) FROM cases' 2>/dev/null || echo "?")
for r in $(seq "$ROUNDS"); do
	record post "$(wrk_once post "$r" "$CONNS" "$BASE" bench/post_case.lua "$TOKEN" "$CUSTOMERS")"
done

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
LOAD_RSS=$(rss_kb $HEED_PID VmRSS)
LOAD_ANON=$(rss_kb $HEED_PID RssAnon)
LOAD_FILE=$(rss_kb $HEED_PID RssFile)
LOAD_HWM=$(rss_kb $HEED_PID VmHWM)
stop_pid "$HEED_PID"
HEED_PID=
AFTER_POST=$(sqlite3 "file:$DB?mode=ro" 'SELECT count(*) FROM cases' 2>/dev/null || echo "?")

# ---- report ------------------------------------------------------------------
set +u
for t in "${!ALLRPS[@]}"; do
	RPS[$t]=$(echo "${ALLRPS[$t]}" | median)
	P99[$t]=$(echo "${P99[$t]}" | median)
	SCPU_[$t]=$(echo "${SCPU_[$t]}" | median)
	CCPU_[$t]=$(echo "${CCPU_[$t]}" | median)
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "-" }'; }
met() { # met VALUE OP LIMIT
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
		ok = (op == ">=") ? v >= l : v < l; print ok ? "met" : "**not met**" }'
}
row() { # row NAME LABEL CONNS BASELINE TARGET
	local n=$1
	printf '| %s | %s | %.0f | %s | %s | %s%% / %s%% | %s | %s |\n' "$2" "$3" \
		"${RPS[$n]}" "${P99[$n]}" \
		"$(echo "${ALLRPS[$n]}" | awk '{ for (i = 1; i <= NF; i++) printf "%s%.0f", (i > 1 ? " / " : ""), $i }')" \
		"${SCPU_[$n]}" "${CCPU_[$n]}" "$4" "$5"
}
POSTED=$([ "$BEFORE_POST" != "?" ] && [ "$AFTER_POST" != "?" ] && echo $((AFTER_POST - BEFORE_POST)) || echo "?")

cat <<EOF

heed load test, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)),
libwebsockets $(pkg-config --modversion libwebsockets 2>/dev/null | sed 's/-$//'), SQLite $(pkg-config --modversion sqlite3 2>/dev/null);
server on core $SCPU, wrk -t1 on core $CCPU; $CASES cases ($DB_MB MB); $ROUNDS x ${DUR}s rounds, median shown;
load average $LOAD_START at start, $LOAD_END at end.

| test | conns | req/s (median) | p99 ms (median) | req/s per round | server CPU / client core | vs hello | target |
|---|---|---|---|---|---|---|---|
$(row hello "hello baseline (lws, \`GET /hello\`)" "$CONNS" "100%" "-")
$(row get "\`GET /api/v1/cases/{id}\`" "$CONNS" "$(ratio "${RPS[get]}" "${RPS[hello]}")" ">= 25,000/s: $(met "${RPS[get]}" ">=" 25000)")
$(row hello_1000 "hello baseline" 1000 "100%" "-")
$(row get_1000 "\`GET /api/v1/cases/{id}\`" 1000 "$(ratio "${RPS[get_1000]}" "${RPS[hello_1000]}")" ">= 25,000/s: $(met "${RPS[get_1000]}" ">=" 25000)")
$(row post "\`POST /api/v1/cases\` (durable)" "$CONNS" "$(ratio "${RPS[post]}" "${RPS[hello]}")" ">= 5,000/s: $(met "${RPS[post]}" ">=" 5000)")
$(row list "\`GET /api/v1/cases?queue=support&limit=50\`" "$CONNS" "$(ratio "${RPS[list]}" "${RPS[hello]}")" "p99 < 20 ms: $(met "${P99[list]}" "<" 20)")
$(row list_c1 "same, one connection (1 round)" 1 "$(ratio "${RPS[list_c1]}" "${RPS[hello]}")" "p99 < 20 ms: $(met "${P99[list_c1]}" "<" 20)")
$(row list_deep "same, cursor deep in the queue" "$CONNS" "$(ratio "${RPS[list_deep]}" "${RPS[hello]}")" "p99 < 20 ms: $(met "${P99[list_deep]}" "<" 20)")

| memory | heed | hello |
|---|---|---|
| idle RSS right after start | $(mb "$IDLE_RSS") MB (anon $(mb "$IDLE_ANON"), file $(mb "$IDLE_FILE")) | $(mb "$HELLO_IDLE") MB |
| RSS after load | $(mb "$LOAD_RSS") MB (anon $(mb "$LOAD_ANON"), file/mmap $(mb "$LOAD_FILE")), peak $(mb "$LOAD_HWM") MB | $(mb "$HELLO_RSS") MB (50 conns), $(mb "$HELLO_RSS_1000") MB (1000 conns) |

Idle RSS target < 15 MB: $(met "$(mb "$IDLE_RSS")" "<" 15).
POST: $POSTED cases added to the database ($BEFORE_POST -> $AFTER_POST).
EOF
if [ -n "${BAD[*]}" ]; then
	echo
	echo "Anomalies (see $OUT):"
	for t in "${!BAD[@]}"; do echo "- $t: ${BAD[$t]}"; done
else
	echo "No socket errors and no non-2xx responses in any round."
fi
echo "Raw wrk output and server logs: $OUT/"
