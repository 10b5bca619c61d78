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
# takes about 31 rounds x duration plus warm-ups: ~6 minutes
# with the defaults.  Every process it starts is stopped on exit.
set -eu -o pipefail

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
HELLO1_PID=

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
	stop_pid "$HELLO1_PID"
	stop_pid "$HEED_PID"
	HELLO_PID= HELLO1_PID= HEED_PID=
	mkdir -p "$OUT"
	rm -f "$OUT"/*.txt "$OUT"/*.log
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

HZ=$(getconf CLK_TCK)
# proc_ticks PID: user + system ticks of a process, all its threads.
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# cores_ticks: busy ticks (all but idle and iowait) of the two cores used.
cores_ticks() {
	awk -v a="cpu$SCPU" -v b="cpu$CCPU" '$1 == a || $1 == b { n += $2 + $3 + $4 + $7 + $8 + $9 }
		END { print n }' /proc/stat
}

# wrk_once NAME ROUND CONNS URL SCRIPT [SCRIPT ARGS...]: one round of wrk on
# the client core against the server $SERVER_PID, raw output into
# $TMP/NAME.ROUND.txt.  Prints one line:
#   req/s p99 non2xx server_cpu% wrk_cpu% other_cpu% socket_errors
# other_cpu% is what the two cores did besides the server and wrk (other
# people's work on a shared machine), in % of one core.
wrk_once() {
	local name=$1 round=$2 conns=$3 url=$4 script=$5 f s0 s1 b0 b1 t0 t1 wu ws
	local TIMEFORMAT='%U %S'
	shift 5
	f=$TMP/$name.$round.txt
	echo "# load $(cut -d' ' -f1-3 /proc/loadavg)" >"$f"
	local cmd=(taskset -c "$CCPU" wrk -t1 -c"$conns" -d"${DUR}s" --timeout 5s --latency)
	if [ -n "$script" ]; then
		cmd+=(-s "$script" "$url" -- "$@")
	else
		cmd+=("$url")
	fi
	s0=$(proc_ticks "$SERVER_PID"); b0=$(cores_ticks); t0=$(date +%s.%N)
	{ time "${cmd[@]}" >>"$f" 2>&1; } 2>"$f.time" || true
	s1=$(proc_ticks "$SERVER_PID"); b1=$(cores_ticks); t1=$(date +%s.%N)
	read -r wu ws <"$f.time"
	rm -f "$f.time"
	awk -v s="$((s1 - s0))" -v b="$((b1 - b0))" -v w="$wu $ws" -v t0="$t0" -v t1="$t1" \
		-v hz="$HZ" 'BEGIN { split(w, x, " "); t = t1 - t0
		sc = 100 * s / hz / t; wc = 100 * (x[1] + x[2]) / t
		oc = 100 * b / hz / t - sc - wc; if (oc < 0) oc = 0
		printf "# cpu%%: server %.0f wrk %.0f other %.0f\n", sc, wc, oc }' >>"$f"
	awk '
		/^Requests\/sec:/ { rps = $2 }
		/^ *99%/ { p99 = $2 }
		/Non-2xx or 3xx responses:/ { non2xx = $NF }
		/Socket errors:/ { sub(/.*Socket errors: /, ""); err = $0; gsub(/ /, "", err) }
		/^# cpu%:/ { sc = $4; wc = $6; oc = $8 }
		END { printf "%s %s %s %s %s %s %s\n", (rps ? rps : 0), (p99 ? p99 : "?"),
			(non2xx ? non2xx : 0), sc, wc, oc, (err ? err : "none") }' "$f"
}

# warm NAME CONNS URL SCRIPT ARGS...: 2 s untimed, so caches are warm.
warm() {
	local dur=$DUR
	DUR=2
	wrk_once "$1-warmup" 0 "${@:2}" >/dev/null
	DUR=$dur
}

declare -A ALL_RPS ALL_P99 ALL_SC ALL_WC ALL_OC ALL_US BAD
# record NAME "LINE from wrk_once": keep the round's figures.
record() {
	local name=$1 rps p99 non2xx sc wc oc errs
	read -r rps p99 non2xx sc wc oc errs <<<"$2"
	ALL_RPS[$name]="${ALL_RPS[$name]:-} $rps"
	ALL_P99[$name]="${ALL_P99[$name]:-} $(to_ms "$p99")"
	ALL_SC[$name]="${ALL_SC[$name]:-} $sc"
	ALL_WC[$name]="${ALL_WC[$name]:-} $wc"
	ALL_OC[$name]="${ALL_OC[$name]:-} $oc"
	ALL_US[$name]="${ALL_US[$name]:-} $(awk -v c="$sc" -v r="$rps" 'BEGIN { printf "%.1f", (r > 0 ? c * 1e4 / r : 0) }')"
	if [ "$non2xx" != 0 ] || [ "$errs" != none ]; then
		BAD[$name]="${BAD[$name]:-}round $(echo "${ALL_RPS[$name]}" | wc -w): non-2xx $non2xx, socket errors $errs; "
	fi
	log "$name: $rps req/s, p99 $p99, non-2xx $non2xx, errors $errs; CPU server $sc% wrk $wc% other $oc%"
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
taskset -c "$SCPU" "$BUILD/bench/hello" 0 --one-write >"$TMP/hello1.log" 2>&1 &
HELLO1_PID=$!
H1PORT=$(wait_port "$TMP/hello1.log") || { log "hello --one-write did not start"; exit 1; }

code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/cases/1")
[ "$code" = 200 ] || { log "GET /api/v1/cases/1 gave $code, not 200"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HPORT/hello")
[ "$code" = 200 ] || { log "GET /hello gave $code, not 200"; exit 1; }
log "heed on :$PORT (pid $HEED_PID), hello on :$HPORT (pid $HELLO_PID), db $DB_MB MB, $ROUNDS x ${DUR}s rounds"

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- tests -------------------------------------------------------------------
# Every test alternates round by round with a hello round at the same
# connection count (recorded as hello@TEST), so a burst of load from
# elsewhere on the machine - or a slower spell of the host - hits both, and
# the ratio compares like with like.
HELLO=http://127.0.0.1:$HPORT/hello
HELLO1=http://127.0.0.1:$H1PORT/hello

# pair NAME CONNS ROUNDS SCRIPT ARGS...: warm up, then ROUNDS x (hello, NAME).
pair() {
	local name=$1 conns=$2 rounds=$3 r
	shift 3
	SERVER_PID=$HEED_PID
	warm "$name" "$conns" "$BASE" "$@"
	for r in $(seq "$rounds"); do
		SERVER_PID=$HELLO_PID
		record "hello@$name" "$(wrk_once "hello@$name" "$r" "$conns" "$HELLO" "")"
		SERVER_PID=$HEED_PID
		record "$name" "$(wrk_once "$name" "$r" "$conns" "$BASE" "$@")"
	done
}

SERVER_PID=$HELLO_PID; warm hello "$CONNS" "$HELLO" ""
SERVER_PID=$HELLO1_PID; warm hello1 "$CONNS" "$HELLO1" ""
# The experiment (one write per reply) joins the GET rounds.
SERVER_PID=$HEED_PID; warm get "$CONNS" "$BASE" bench/get_case.lua "$TOKEN" "$CASES"
for r in $(seq "$ROUNDS"); do
	SERVER_PID=$HELLO_PID
	record hello@get "$(wrk_once hello@get "$r" "$CONNS" "$HELLO" "")"
	SERVER_PID=$HELLO1_PID
	record hello1 "$(wrk_once hello1 "$r" "$CONNS" "$HELLO1" "")"
	SERVER_PID=$HEED_PID
	record get "$(wrk_once get "$r" "$CONNS" "$BASE" bench/get_case.lua "$TOKEN" "$CASES")"
done
stop_pid "$HELLO1_PID"
HELLO1_PID=
HELLO_RSS=$(rss_kb $HELLO_PID VmRSS)
pair get_1000 1000 1 bench/get_case.lua "$TOKEN" "$CASES"
HELLO_RSS_1000=$(rss_kb $HELLO_PID VmRSS)
pair list "$CONNS" "$ROUNDS" bench/list_queue.lua "$TOKEN" "$CASES"
# One connection: the page's own time, without 49 other requests queued
# ahead of it (with 50 busy connections p99 is mostly queueing: 50 / req/s).
pair list_c1 1 1 bench/list_queue.lua "$TOKEN" "$CASES"
pair list_deep "$CONNS" "$ROUNDS" bench/list_queue.lua "$TOKEN" "$CASES" deep
BEFORE_POST=$(sqlite3 "file:$DB?mode=ro" 'SELECT count(*) FROM cases' 2>/dev/null || echo "?")
pair post "$CONNS" "$ROUNDS" bench/post_case.lua "$TOKEN" "$CUSTOMERS"
stop_pid "$HELLO_PID"
HELLO_PID=

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
declare -A RPS P99 SC WC OC US
for t in "${!ALL_RPS[@]}"; do
	RPS[$t]=$(echo "${ALL_RPS[$t]}" | median)
	P99[$t]=$(echo "${ALL_P99[$t]}" | median)
	SC[$t]=$(echo "${ALL_SC[$t]}" | median)
	WC[$t]=$(echo "${ALL_WC[$t]}" | median)
	OC[$t]=$(echo "${ALL_OC[$t]}" | median)
	US[$t]=$(echo "${ALL_US[$t]}" | median)
done
met() { # met VALUE OP LIMIT
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
		ok = (op == ">=") ? v >= l : v < l; print ok ? "met" : "**not met**" }'
}
# vs NAME BASE: "R%, Cx": req/s as a share of a baseline's, and CPU time per
# request as a multiple of the baseline's.
vs() {
	awk -v r="${RPS[$1]}" -v rb="${RPS[$2]}" -v u="${US[$1]}" -v ub="${US[$2]}" 'BEGIN {
		printf "%.0f%%, %.1fx", (rb > 0 ? 100 * r / rb : 0), (ub > 0 ? u / ub : 0) }'
}
per_round() { echo "${ALL_RPS[$1]}" | awk '{ for (i = 1; i <= NF; i++) printf "%s%.0f", (i > 1 ? " / " : ""), $i }'; }
row() { # row NAME LABEL CONNS HELLO_NAME TARGET
	local n=$1 h=$4
	printf '| %s | %s | %.0f | %s | %s | %s | %s | %s / %s | %.0f, %s | %s | %s |\n' "$2" "$3" \
		"${RPS[$n]}" "${P99[$n]}" "$(per_round "$n")" \
		"${SC[$n]}" "${US[$n]}" "${WC[$n]}" "${OC[$n]}" \
		"${RPS[$h]}" "${US[$h]}" "$(vs "$n" "$h")" "$5"
}
POSTED=$([ "$BEFORE_POST" != "?" ] && [ "$AFTER_POST" != "?" ] && echo $((AFTER_POST - BEFORE_POST)) || echo "?")
# 2xx answers wrk saw in the POST rounds and their warm-up (requests still in
# flight when a round ends are stored but not counted by wrk).
POST_OK=$(cat "$TMP"/post.*.txt "$TMP"/post-warmup.0.txt | awk '
	/ requests in / { n += $1 } /Non-2xx or 3xx/ { n -= $NF } END { print n + 0 }')

cat <<EOF

heed load test, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)),
libwebsockets $(pkg-config --modversion libwebsockets 2>/dev/null | sed 's/-$//'), SQLite $(pkg-config --modversion sqlite3 2>/dev/null);
server on core $SCPU, wrk -t1 on core $CCPU; $CASES cases ($DB_MB MB); $ROUNDS x ${DUR}s rounds, medians;
load average $LOAD_START at start, $LOAD_END at end.
CPU columns: % of one core over the round; "µs/req" = server CPU time per request;
"other" = work on the two cores by processes other than the server and wrk;
"hello" = the lws baseline's rounds alternating with this test's, same connections.

| test | conns | req/s | p99 ms | req/s per round | server CPU % | server µs/req | wrk / other CPU % | hello: req/s, µs/req | vs hello: req/s, CPU/req | target |
|---|---|---|---|---|---|---|---|---|---|---|
$(row hello@get "hello baseline (lws, \`GET /hello\`)" "$CONNS" hello@get "-")
$(row get "\`GET /api/v1/cases/{id}\`" "$CONNS" hello@get ">= 25,000/s: $(met "${RPS[get]}" ">=" 25000)")
$(row get_1000 "\`GET /api/v1/cases/{id}\`" 1000 hello@get_1000 ">= 25,000/s: $(met "${RPS[get_1000]}" ">=" 25000)")
$(row post "\`POST /api/v1/cases\` (durable)" "$CONNS" hello@post ">= 5,000/s: $(met "${RPS[post]}" ">=" 5000)")
$(row list "\`GET /api/v1/cases?queue=support&limit=50\`" "$CONNS" hello@list "p99 < 20 ms: $(met "${P99[list]}" "<" 20)")
$(row list_c1 "same, one connection" 1 hello@list_c1 "p99 < 20 ms: $(met "${P99[list_c1]}" "<" 20)")
$(row list_deep "same, cursor deep in the queue" "$CONNS" hello@list_deep "p99 < 20 ms: $(met "${P99[list_deep]}" "<" 20)")
$(row hello1 "experiment: hello with headers + body in one \`lws_write\`" "$CONNS" hello@get "-")

| memory | heed | hello |
|---|---|---|
| idle RSS right after start | $(mb "$IDLE_RSS") MB (anon $(mb "$IDLE_ANON"), file $(mb "$IDLE_FILE")) | $(mb "$HELLO_IDLE") MB |
| RSS after load | $(mb "$LOAD_RSS") MB (anon $(mb "$LOAD_ANON"), file/mmap $(mb "$LOAD_FILE")), peak $(mb "$LOAD_HWM") MB | $(mb "$HELLO_RSS") MB (50 conns), $(mb "$HELLO_RSS_1000") MB (1000 conns) |

Idle RSS target < 15 MB: $(met "$(mb "$IDLE_RSS")" "<" 15).
POST: $POSTED cases in the database after the POST rounds ($BEFORE_POST -> $AFTER_POST); wrk saw $POST_OK 2xx answers.
EOF
if [ -n "${BAD[*]}" ]; then
	echo
	echo "Anomalies (raw output in $OUT):"
	for t in "${!BAD[@]}"; do echo "- $t: ${BAD[$t]}"; done
else
	echo "No socket errors and no non-2xx responses in any round."
fi
echo "Raw wrk output and server logs: $OUT/"
