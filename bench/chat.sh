#!/bin/bash
# chat.sh - live chat under load: heed serve on a fresh database, driven by
# build/bench/chat_load (customer and agent WebSockets in one lws loop) at
# 1,000 and 10,000 open chats; prints one summary line per size (medians of
# the rounds) and a markdown table.
#
#   bench/chat.sh [HEED_BINARY]
#
# Environment (all optional):
#   HEED_CHAT_SIZES     open chats per test (default "1000 10000")
#   HEED_CHAT_ROUNDS    rounds per size, fresh server and database each; the
#                       median of each figure is reported (default 3)
#   HEED_CHAT_RATE      customer messages/s in all (default 5000; heed allows
#                       5/s per socket, so at least RATE/5 chats)
#   HEED_CHAT_REPLY     agent replies/s per agent (default 1: 50/s at 1,000
#                       chats, 500/s at 10,000)
#   HEED_CHAT_WARMUP / HEED_CHAT_DURATION   seconds (default 3 / 20)
#   HEED_CHAT_CONC      handshakes and session POSTs in flight (default 64)
#   HEED_CHAT_PIN       1: heed on core 0, chat_load on core 1 (default: not
#                       pinned; heed's threads and the client share both cores)
#   HEED_CHAT_TEMPLATE  cached database with the admin, the queue, the site
#                       and the agents (default /tmp/heed-chat-agents-N.db,
#                       N agents of capacity 20 for the largest size); made
#                       once, copied for every round; its agents' tokens are
#                       in the same path + .tokens
#   HEED_CHAT_OUT       kept raw output and logs (default /tmp/heed-chat-last)
#   HEED_CHAT_QUIET     the machine is shared: a round is run only once the
#                       rest of the machine has used less than this % of one
#                       core for 2 s (waiting up to 120 s), and is run again
#                       when other work took more than this during its setup
#                       or its measured window, or when it failed (default 50)
#   HEED_CHAT_RETRIES   how many times a round is run again (default 2); the
#                       disturbed tries are kept in OUT as N-R.tryK.txt
#
# Needs curl, and a file limit (ulimit -n, raised here to the hard limit)
# above chats + agents + 200 for each process.  Bounded: chat_load gives up
# when the setup takes over 300 s; a round at 10,000 chats takes about a
# minute.  Every process it starts is stopped on exit.
set -eu -o pipefail

cd "$(dirname "$0")/.."
HEED=${1:-build/heed}
BUILD=$(dirname "$HEED")
LOAD=$BUILD/bench/chat_load
SIZES=${HEED_CHAT_SIZES:-"1000 10000"}
ROUNDS=${HEED_CHAT_ROUNDS:-3}
RATE=${HEED_CHAT_RATE:-5000}
REPLY=${HEED_CHAT_REPLY:-1}
WARMUP=${HEED_CHAT_WARMUP:-3}
DUR=${HEED_CHAT_DURATION:-20}
CONC=${HEED_CHAT_CONC:-64}
PIN=${HEED_CHAT_PIN:-0}
OUT=${HEED_CHAT_OUT:-/tmp/heed-chat-last}
QUIET=${HEED_CHAT_QUIET:-50}
RETRIES=${HEED_CHAT_RETRIES:-2}
HZ=$(getconf CLK_TCK)

MAX=0
for n in $SIZES; do [ "$n" -gt "$MAX" ] && MAX=$n; done
AGENTS=$(( (MAX + 19) / 20 ))
TEMPLATE=${HEED_CHAT_TEMPLATE:-/tmp/heed-chat-agents-$AGENTS.db}

TMP=$(mktemp -d /tmp/heed-chat.XXXXXX)
HEED_PID=

log() { echo "chat: $*" >&2; }

stop_pid() { # stop_pid PID: SIGTERM, wait up to 15 s, then SIGKILL
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 150); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
		sleep 0.1
	done
	log "pid $pid ignored SIGTERM; killing it"
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	stop_pid "$HEED_PID"
	HEED_PID=
	mkdir -p "$OUT"
	rm -f "$OUT"/*.txt "$OUT"/*.log
	cp "$TMP"/*.txt "$TMP"/*.log "$OUT"/ 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v curl >/dev/null || { log "needs curl (apt-get install curl)"; exit 1; }
[ "$PIN" = 1 ] && { command -v taskset >/dev/null || { log "HEED_CHAT_PIN=1 needs taskset"; exit 1; }; }

# ---- build -------------------------------------------------------------------
# `make bench-chat` builds heed and chat_load; until the Makefile has that
# rule, chat_load is compiled here with the flags of the bench-bin rules.
if make -n --no-print-directory BUILD="$BUILD" bench-chat >/dev/null 2>&1; then
	make --no-print-directory BUILD="$BUILD" bench-chat >&2
else
	make --no-print-directory BUILD="$BUILD" "$HEED" >&2
	if [ ! -x "$LOAD" ] || [ bench/chat_load.c -nt "$LOAD" ]; then
		mkdir -p "$(dirname "$LOAD")"
		PKGS=(libwebsockets jansson libsodium sqlite3)
		# shellcheck disable=SC2046 # the flags are words
		${CC:-cc} -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc -O2 -g \
			$(pkg-config --cflags "${PKGS[@]}") -o "$LOAD" bench/chat_load.c \
			$(pkg-config --libs "${PKGS[@]}") -lev -lpthread -lm
	fi
fi

# ---- file limits ---------------------------------------------------------------
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((MAX + AGENTS + 200)) ]; then
	log "ulimit -n is $(ulimit -n); $MAX chats need $((MAX + AGENTS + 200)) per process"
	exit 1
fi

# ---- helpers -------------------------------------------------------------------
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

# start_heed DB LOG: heed serve on a free port; sets HEED_PID and PORT.
start_heed() {
	local pin=()
	[ "$PIN" = 1 ] && pin=(taskset -c 0)
	HEED_LOG_REQUESTS=0 "${pin[@]}" "$HEED" serve --db "$1" --listen 127.0.0.1:0 \
		>"$2" 2>&1 &
	HEED_PID=$!
	PORT=$(wait_port "$2") || { log "heed did not start; see $2"; cat "$2" >&2; exit 1; }
}

api() { # api METHOD PATH JSON: as the admin; prints the status code
	curl -s -o "$TMP/api.out" -w '%{http_code}' -X "$1" \
		-H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
		-d "$3" "http://127.0.0.1:$PORT$2"
}

# ---- the template: admin, queue, site, agents and their tokens ------------------
# Agents come from POST /api/v1/agents (capacity 20 in the same request,
# ~20 ms each, 8 at a time); `heed token create` costs ~0.1 s of CPU a
# call, so the tokens are made 2 at a time, once, and cached.
make_template() {
	local db=$TMP/template.db code
	log "making $TEMPLATE: $AGENTS agents of capacity 20 (once; later runs reuse it)"
	"$HEED" migrate --db "$db" >/dev/null
	"$HEED" agent add --db "$db" --email admin@bench.example --name Admin \
		--role admin >/dev/null
	ADMIN=$("$HEED" token create --db "$db" --email admin@bench.example)
	start_heed "$db" "$TMP/template.log"
	code=$(api POST /api/v1/queues '{"name":"support"}')
	[ "$code" = 201 ] || { log "POST /api/v1/queues: $code $(cat "$TMP/api.out")"; exit 1; }
	code=$(api POST /api/v1/sites '{"key":"bench","name":"Bench","queue":"support","origins":""}')
	[ "$code" = 201 ] || { log "POST /api/v1/sites: $code $(cat "$TMP/api.out")"; exit 1; }
	seq "$AGENTS" | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
		-H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
		-d '{"name":"Agent {}","email":"agent{}@bench.example","role":"agent","capacity":20}' \
		"http://127.0.0.1:$PORT/api/v1/agents" >"$TMP/agents.txt"
	stop_pid "$HEED_PID"
	HEED_PID=
	code=$(grep -c '^201$' "$TMP/agents.txt" || true)
	[ "$code" = "$AGENTS" ] || { log "only $code of $AGENTS agents created"; exit 1; }
	seq "$AGENTS" | xargs -P 2 -I{} "$HEED" token create --db "$db" \
		--email 'agent{}@bench.example' >"$TMP/tokens.txt"
	code=$(grep -c '^heed_' "$TMP/tokens.txt" || true)
	[ "$code" = "$AGENTS" ] || { log "only $code of $AGENTS tokens created"; exit 1; }
	mv "$TMP/tokens.txt" "$TEMPLATE.tokens"
	mv "$db" "$TEMPLATE"
}

if [ ! -s "$TEMPLATE" ] || [ ! -s "$TEMPLATE.tokens" ] ||
	[ "$(grep -c '^heed_' "$TEMPLATE.tokens")" -lt "$AGENTS" ]; then
	rm -f "$TEMPLATE" "$TEMPLATE.tokens"
	make_template
else
	log "reusing $TEMPLATE (delete it to make it again)"
fi

# ---- rounds --------------------------------------------------------------------
# get KEY FILE: the value of KEY=... in chat_load's result line.
get() { tr ' ' '\n' <"$2" | sed -n "s/^$1=//p" | head -1; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# busy_pct SECS: the machine's CPU in tasks (and stolen) over SECS, in % of
# one core (as chat_load counts it).
busy_pct() {
	local a b
	a=$(awk '$1 == "cpu" { print $2 + $3 + $4 + $9 }' /proc/stat)
	sleep "$1"
	b=$(awk '$1 == "cpu" { print $2 + $3 + $4 + $9 }' /proc/stat)
	echo $(( (b - a) * 100 / (HZ * $1) ))
}

# wait_quiet: until the machine is quiet (nothing of ours is running now).
wait_quiet() {
	local i b
	for i in $(seq 60); do
		b=$(busy_pct 2)
		[ "$b" -lt "$QUIET" ] && return 0
		[ "$i" = 1 ] && log "machine busy (${b}% of a core); waiting up to 120 s"
	done
	log "still busy (${b}%); running anyway"
}

# try N R OUTFILE: one fresh heed + chat_load at N chats, the result line
# in OUTFILE; false when chat_load printed nothing.
try() {
	local n=$1 r=$2 out=$3 agents=$(( ($1 + 19) / 20 )) pin=() rc=0
	local db=$TMP/heed-$n-$r.db
	cp "$TEMPLATE" "$db"
	start_heed "$db" "$TMP/heed-$n-$r.log"
	[ "$PIN" = 1 ] && pin=(taskset -c 1)
	log "$n chats, round $r: heed pid $HEED_PID port $PORT, load $(cut -d' ' -f1-3 /proc/loadavg)"
	"${pin[@]}" "$LOAD" --port "$PORT" --tokens "$TEMPLATE.tokens" --chats "$n" \
		--rate "$RATE" --reply-rate $((agents * REPLY)) --warmup "$WARMUP" \
		--duration "$DUR" --conc "$CONC" --pid "$HEED_PID" \
		>"$out" 2>"$TMP/chat_load-$n-$r.log" || rc=$?
	cat "$TMP/chat_load-$n-$r.log" >&2
	stop_pid "$HEED_PID"
	HEED_PID=
	rm -f "$db" "$db-wal" "$db-shm"
	[ -s "$out" ] || { log "chat_load printed nothing (exit $rc)"; return 1; }
}

# disturbed FILE: why the round in FILE should be run again, or nothing.
disturbed() {
	local other setup
	if [ -n "$(get failed "$1")" ]; then
		echo "failed in $(get failed_phase "$1"): $(sed -n 's/.*reason="\([^"]*\)".*/\1/p' "$1")"
		return
	fi
	other=$(get other_cpu_pct "$1")
	setup=$(get other_setup_pct "$1")
	if [ "${other:-0}" -gt "$QUIET" ] || [ "${setup:-0}" -gt "$QUIET" ]; then
		echo "other work took ${setup}% of a core during the setup, ${other}% under load"
	fi
}

# round N R: a round, run again while disturbed; the result in $TMP/N-R.txt
round() {
	local n=$1 r=$2 k why
	for k in $(seq 0 "$RETRIES"); do
		wait_quiet
		try "$n" "$r" "$TMP/$n-$r.txt" || true
		why=$(disturbed "$TMP/$n-$r.txt" 2>/dev/null || echo "no result")
		[ -s "$TMP/$n-$r.txt" ] || why="no result"
		[ -z "$why" ] && return 0
		if [ "$k" -lt "$RETRIES" ]; then
			log "$n chats, round $r: $why; running it again"
			mv "$TMP/$n-$r.txt" "$TMP/$n-$r.try$k.txt" 2>/dev/null || true
			cp "$TMP/chat_load-$n-$r.log" "$TMP/chat_load-$n-$r.try$k.log"
			echo "$n $r $why" >>"$TMP/retried.txt"
		else
			log "$n chats, round $r: $why; kept as it is"
			echo "$n $r $why" >>"$TMP/kept.txt"
		fi
	done
}

# med N KEY: the median of KEY over the rounds of size N.
med() {
	local r
	for r in $(seq "$ROUNDS"); do
		[ -s "$TMP/$1-$r.txt" ] && [ -z "$(get failed "$TMP/$1-$r.txt")" ] &&
			get "$2" "$TMP/$1-$r.txt"
	done | median
}

# each N KEY: KEY of every round, "a / b / c".
each() {
	local r out=
	for r in $(seq "$ROUNDS"); do
		if [ -n "$(get failed "$TMP/$1-$r.txt")" ]; then
			out="$out${out:+ / }failed"
		else
			out="$out${out:+ / }$(get "$2" "$TMP/$1-$r.txt")"
		fi
	done
	echo "$out"
}

log "sizes: $SIZES; $ROUNDS round(s) of ${WARMUP}+${DUR} s; $RATE msg/s from customers, $REPLY/s per agent; pinned: $PIN"
log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $SIZES; do
	for r in $(seq "$ROUNDS"); do
		round "$n" "$r"
	done
done
log "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- report --------------------------------------------------------------------
echo
for n in $SIZES; do
	printf 'chat %s: chats=%s agents=%s msgs_per_s=%s p50_ms=%s p99_ms=%s max_ms=%s reply_p99_ms=%s ack_p99_ms=%s rss_mb=%s load_rss_mb=%s hwm_mb=%s errors=%s missing=%s srv_cpu_pct=%s\n' \
		"$n" "$n" "$(med "$n" agents)" "$(med "$n" msgs_per_s)" "$(med "$n" c2a_p50_ms)" \
		"$(med "$n" c2a_p99_ms)" "$(med "$n" c2a_max_ms)" "$(med "$n" a2c_p99_ms)" \
		"$(med "$n" c2a_ack_p99_ms)" "$(mb "$(med "$n" rss_open_kb)")" \
		"$(mb "$(med "$n" rss_load_kb)")" "$(mb "$(med "$n" hwm_kb)")" \
		"$(med "$n" errors)" "$(med "$n" c2a_missing)" "$(med "$n" srv_cpu_pct)"
done
echo
echo "| chats | agents | msgs/s (customer + agent) | p50 ms | p99 ms | max ms | agent->customer p50 / p99 ms | ack p99 ms | p99 per round | heed VmRSS open / under load MB | VmHWM MB | errors | missing | heed CPU %, µs/msg | chat_load / other CPU % | setup s (agents / sessions / customers) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for n in $SIZES; do
	printf '| %s | %s | %s | %s | %s | %s | %s / %s | %s | %s | %s / %s | %s | %s | %s | %s, %s | %s | %s / %s / %s |\n' \
		"$n" "$(med "$n" agents)" "$(med "$n" msgs_per_s)" "$(med "$n" c2a_p50_ms)" \
		"$(med "$n" c2a_p99_ms)" "$(med "$n" c2a_max_ms)" "$(med "$n" a2c_p50_ms)" \
		"$(med "$n" a2c_p99_ms)" "$(med "$n" c2a_ack_p99_ms)" "$(each "$n" c2a_p99_ms)" \
		"$(mb "$(med "$n" rss_open_kb)")" "$(mb "$(med "$n" rss_load_kb)")" \
		"$(mb "$(med "$n" hwm_kb)")" "$(med "$n" errors)" \
		"$(( $(med "$n" c2a_missing) + $(med "$n" a2c_missing) ))" \
		"$(med "$n" srv_cpu_pct)" "$(med "$n" srv_us_per_msg)" \
		"$(med "$n" cli_cpu_pct) / $(med "$n" other_cpu_pct)" \
		"$(med "$n" setup_agents_s)" "$(med "$n" setup_sessions_s)" \
		"$(med "$n" setup_customers_s)"
done
echo
echo "Targets: 10,000 open chats with heed's RSS < 150 MB; p99 delivery < 20 ms at 5,000 messages/s."
if [ -s "$TMP/retried.txt" ]; then
	echo "Rounds run again (size, round, why):"
	sed 's/^/  /' "$TMP/retried.txt"
fi
if [ -s "$TMP/kept.txt" ]; then
	echo "Rounds still disturbed or failed after $RETRIES retries (failed ones are left out of the medians):"
	sed 's/^/  /' "$TMP/kept.txt"
fi
echo "Raw result lines and logs: $OUT"
