#!/usr/bin/env bash
# Profile reads measured by another client than ours: wrk (Debian's `wrk`, C and epoll, so the client costs
# the shared cores little) against a fresh server that the load generator first fills.
#
#   portrait-bench/run-reads.sh [--events N] [--users N] [--threads T] [--connections C] [--duration S] [--rate R]
#
# 1. starts dev.portrait.server.PortraitServer on a fresh data directory (as run-load.sh does);
# 2. ingests N events of U users through /v1/batch with the load generator and waits until they are folded,
#    writing the acknowledged user ids to a file;
# 3. runs wrk: T threads, C keep-alive connections, closed loop, for S seconds after a 10 s warm-up run,
#    each request GET /v1/profiles/user_id/{a random acknowledged id};
# 4. prints wrk's answer (requests/s, latency percentiles, errors) and the server's CPU in the window.
#
# wrk is closed-loop: its latency is service time at the rate the server sustains with C requests in flight,
# not latency from a schedule (LoadGenerator --mode mixed measures that). Environment: JAR, SERVER_OPTS as run-load.sh;
# GEN_JAR the jar whose load generator fills the server (default JAR; it needs --once and --ids-out, so set it
# to a current jar when JAR is an older build measured for comparison).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-portrait-bench/target/benchmarks.jar}
GEN_JAR=${GEN_JAR:-$JAR}
SERVER_OPTS=${SERVER_OPTS:-}
events=200000 users=50000 threads=2 connections=16 duration=30
while [ $# -gt 0 ]; do
    case "$1" in
        --events) events=$2 ;; --users) users=$2 ;; --threads) threads=$2 ;;
        --connections) connections=$2 ;; --duration) duration=$2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift 2
done
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }

work=$(mktemp -d /tmp/portrait-reads.XXXXXX)
echo "machine: $(nproc) cores; $(uptime)"
# shellcheck disable=SC2086
java $SERVER_OPTS -cp "$JAR" dev.portrait.server.PortraitServer --data "$work/data" --port 0 \
    --port-file "$work/port" --write-key bench-write --read-key bench-read --admin-key bench-admin \
    >"$work/server.log" 2>&1 &
server=$!
stop() {
    # SIGTERM first: the shutdown hook writes profiles back and a flight recording (SERVER_OPTS) is dumped
    if kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server"
        for _ in $(seq 1 600); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap stop EXIT
for _ in $(seq 1 600); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "no port file after 60 s"; cat "$work/server.log"; exit 1; }
port=$(cat "$work/port")
echo "server pid $server on port $port"

echo "--- filling: $events events of $users users"
java -Xmx2g -cp "$GEN_JAR" dev.portrait.bench.LoadGenerator --port-file "$work/port" --write-key bench-write \
    --read-key bench-read --mode ingest --connections 8 --warmup 0 --duration 600 --events "$events" \
    --users "$users" --parse-seconds 0 --ids-out "$work/ids" --once \
    | grep -E "^(ingest:|drained|wrote|NOT)"

export IDS=$work/ids READ_AUTH="Basic $(printf 'bench-read:' | base64)"
lua=portrait-bench/reads.lua
echo "--- warm-up: 10 s"
wrk -t "$threads" -c "$connections" -d 10s -s "$lua" "http://127.0.0.1:$port" >/dev/null
ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
echo "--- reads: wrk -t $threads -c $connections -d ${duration}s; load average $(cut -d' ' -f1 /proc/loadavg)"
t0=$(ticks); s0=$(date +%s.%N)
wrk -t "$threads" -c "$connections" -d "${duration}s" --latency -s "$lua" "http://127.0.0.1:$port" | tee "$work/wrk.txt"
t1=$(ticks); s1=$(date +%s.%N)
rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.txt")
awk -v t="$((t1 - t0))" -v s0="$s0" -v s1="$s1" -v rps="$rps" 'BEGIN {
    secs = s1 - s0; cores = t / 100 / secs;
    printf "server CPU in the window: %.2f cores, %.1f µs per GET; load average %s\n", cores, cores * 1e6 / rps, "'"$(cut -d' ' -f1 /proc/loadavg)"'" }'
