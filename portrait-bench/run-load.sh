#!/usr/bin/env bash
# One load measurement against a fresh server process (see LoadGenerator's Javadoc for what it measures).
#
#   portrait-bench/run-load.sh [LoadGenerator options…]
#
# Starts dev.portrait.server.PortraitServer on 127.0.0.1 with a fresh data directory and the default
# definition, waits for its port file, runs the generator against it, then reads the server's RSS
# (VmRSS) and its heap after a full GC (jcmd), stops it with SIGTERM (its shutdown hook writes every
# profile back), and reports the data directory's size and, per column family, what the store holds
# (StoreSizeReport): so bytes per profile on disk and in memory come from the same run.
#
# Environment:
#   SERVER_OPTS  extra JVM options for the server (e.g. JFR: -XX:StartFlightRecording=filename=x.jfr,settings=profile)
#   GEN_OPTS     JVM options for the generator (default -Xmx4g)
#   DATA_ROOT    where the data directory is made (default /tmp); KEEP=1 keeps it afterwards
#   JAR          the shaded jar (default portrait-bench/target/benchmarks.jar)
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-portrait-bench/target/benchmarks.jar}
DATA_ROOT=${DATA_ROOT:-/tmp}
GEN_OPTS=${GEN_OPTS:--Xmx4g}
SERVER_OPTS=${SERVER_OPTS:-}

work=$(mktemp -d "$DATA_ROOT/portrait-load.XXXXXX")
data=$work/data
portfile=$work/port
echo "data directory: $data"
echo "machine: $(nproc) cores; $(uptime)"

# shellcheck disable=SC2086
java $SERVER_OPTS -cp "$JAR" dev.portrait.server.PortraitServer --data "$data" --port 0 \
    --port-file "$portfile" --write-key bench-write --read-key bench-read --admin-key bench-admin \
    >"$work/server.log" 2>&1 &
server=$!
cleanup() {
    if kill -0 "$server" 2>/dev/null; then kill -9 "$server" 2>/dev/null || true; fi
    if [ "${KEEP:-0}" != 1 ]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT

for _ in $(seq 1 600); do
    [ -s "$portfile" ] && break
    kill -0 "$server" 2>/dev/null || { echo "server died:"; cat "$work/server.log"; exit 1; }
    sleep 0.1
done
[ -s "$portfile" ] || { echo "no port file after 60 s"; cat "$work/server.log"; exit 1; }
echo "server pid $server on port $(cat "$portfile")"

# shellcheck disable=SC2086
java $GEN_OPTS -cp "$JAR" dev.portrait.bench.LoadGenerator --port-file "$portfile" \
    --write-key bench-write --read-key bench-read --server-pid "$server" "$@"

echo "--- server memory at the end (after drain)"
grep -E 'VmRSS|VmHWM' "/proc/$server/status"
jcmd "$server" GC.run >/dev/null
grep -E 'VmRSS' "/proc/$server/status" | sed 's/^/after GC: /'
jcmd "$server" GC.heap_info | sed -n '2,4p'
jcmd "$server" GC.class_histogram | tail -1 | sed 's/^/class histogram /'
if [[ "$SERVER_OPTS" == *NativeMemoryTracking* ]]; then
    jcmd "$server" VM.native_memory summary | grep -E 'Total:|Java Heap|Class \(|Thread \(|Code \(|GC \(|Internal \(|Other \(|Arena|Symbol \(' | sed 's/^/NMT /'
fi

echo "--- stopping the server"
kill -TERM "$server"
for _ in $(seq 1 1200); do
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$server" 2>/dev/null; then echo "server still running after 120 s; SIGKILL"; kill -9 "$server"; fi
wait "$server" 2>/dev/null || true

echo "--- data directory"
du -sb "$data"
du -sb "$data"/* | sed 's/^/  /'
java -cp "$JAR" dev.portrait.bench.StoreSizeReport "$data"
echo "uptime at the end: $(uptime)"
