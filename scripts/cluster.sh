#!/usr/bin/env bash
# Portrait's scale-out runtime on one machine, every part a real process:
#   1. a single-node Kafka (KRaft, broker and controller in one JVM) from the Maven Central jars,
#   2. the Flink job (portrait-flink/target/portrait-flink-job.jar) on a local MiniCluster in its own JVM,
#      with RocksDB state and checkpoints under the work directory,
#   3. `portrait serve --kafka`: the HTTP API, ingest to Kafka, profiles from the profiles topic.
# Ctrl-C stops all three. The CLI never has Flink on its classpath: the job is a separate JVM.
#
#   scripts/cluster.sh [--port 8080] [--kafka-port 9092] [--parallelism 2] [--work DIR]
#
# Then send events with the write key printed at the end (POST /v1/batch, Basic auth) and read
# profiles with the read key; `./portrait demo`'s traffic generator is not wired to Kafka mode yet.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=8080 KAFKA_PORT=9092 PARALLELISM=2 WORK=""
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT=$2; shift 2 ;;
    --kafka-port) KAFKA_PORT=$2; shift 2 ;;
    --parallelism) PARALLELISM=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
WORK=${WORK:-$(mktemp -d -t portrait-cluster.XXXXXX)}
mkdir -p "$WORK"
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
MVN="mvn -B -q"

# ---- jars ----
if [ ! -f portrait-flink/target/portrait-flink-job.jar ] || [ ! -f portrait-cli/target/portrait.jar ]; then
  echo "building the CLI and the job jar (once) ..."
  $MVN -o -pl portrait-cli,portrait-flink -am package -DskipTests || $MVN -pl portrait-cli,portrait-flink -am package -DskipTests
fi
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml | head -1)
if [ ! -f "$WORK/kafka.classpath" ]; then
  # A throwaway pom whose only dependency is the Kafka server: its classpath, from Maven Central.
  mkdir -p "$WORK/kafka-pom"
  cat > "$WORK/kafka-pom/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>kafka-broker</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>2.0.17</version></dependency>
  </dependencies>
</project>
POM
  (cd "$WORK/kafka-pom" && ($MVN -o dependency:build-classpath -Dmdep.outputFile="$WORK/kafka.classpath" \
     || $MVN dependency:build-classpath -Dmdep.outputFile="$WORK/kafka.classpath")) >/dev/null
fi

PIDS=()
stop() {
  echo "stopping ..."
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do kill "${PIDS[$i]}" 2>/dev/null || true; wait "${PIDS[$i]}" 2>/dev/null || true; done
  echo "logs and state kept in $WORK"
}
trap stop EXIT INT TERM

# ---- 1. Kafka (KRaft) ----
cat > "$WORK/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:$((KAFKA_PORT + 1))
listeners=PLAINTEXT://localhost:$KAFKA_PORT,CONTROLLER://localhost:$((KAFKA_PORT + 1))
advertised.listeners=PLAINTEXT://localhost:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$WORK/kafka-data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
KCP=$(cat "$WORK/kafka.classpath")
if [ ! -f "$WORK/kafka-data/meta.properties" ]; then
  "$JAVA" -cp "$KCP" kafka.tools.StorageTool format --standalone -t "$("$JAVA" -cp "$KCP" kafka.tools.StorageTool random-uuid)" \
    -c "$WORK/server.properties" > "$WORK/kafka-format.log" 2>&1
fi
"$JAVA" -Xmx1g -cp "$KCP" kafka.Kafka "$WORK/server.properties" > "$WORK/kafka.log" 2>&1 &
PIDS+=($!)
echo -n "kafka on localhost:$KAFKA_PORT "
for _ in $(seq 1 60); do
  if (exec 3<>/dev/tcp/localhost/$KAFKA_PORT) 2>/dev/null; then break; fi
  echo -n "."; sleep 1
done
echo

# ---- 2. the Flink job (local MiniCluster, its own JVM) ----
# profile ids are keyed under a secret (docs/PRIVACY.md); a local run makes one for its work directory
if [ -z "${PORTRAIT_PROFILE_ID_SECRET:-}" ] && [ ! -f "$WORK/profile-id.secret" ]; then
  head -c 32 /dev/urandom | base64 > "$WORK/profile-id.secret"; chmod 600 "$WORK/profile-id.secret"
fi
PORTRAIT_PROFILE_ID_SECRET="${PORTRAIT_PROFILE_ID_SECRET:-$(cat "$WORK/profile-id.secret")}" "$JAVA" -Xmx2g -jar portrait-flink/target/portrait-flink-job.jar \
  --bootstrap "localhost:$KAFKA_PORT" --create-topics "$PARALLELISM" --parallelism "$PARALLELISM" \
  --checkpoints "file://$WORK/checkpoints" --checkpoint-interval PT10S --transaction-prefix portrait-local \
  > "$WORK/flink.log" 2>&1 &
PIDS+=($!)
echo "flink job: log in $WORK/flink.log"
for _ in $(seq 1 120); do grep -q "topics ready" "$WORK/flink.log" 2>/dev/null && break; sleep 1; done

# ---- 3. the HTTP API in Kafka mode ----
WRITE_KEY=wk_local_$(od -An -N12 -tx1 /dev/urandom | tr -d " \n") READ_KEY=rk_local_$(od -An -N12 -tx1 /dev/urandom | tr -d " \n")  # 33 characters: serve wants 24 or more
"$JAVA" -jar portrait-cli/target/portrait.jar serve --kafka "localhost:$KAFKA_PORT" \
  --port "$PORT" --write-key "$WRITE_KEY" --read-key "$READ_KEY" > "$WORK/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do grep -q "listening" "$WORK/server.log" 2>/dev/null && break; sleep 1; done
head -3 "$WORK/server.log"
cat <<TXT

  send:  curl -u $WRITE_KEY: -H 'Content-Type: application/json' http://localhost:$PORT/v1/track \\
           -d '{"userId":"u-1","event":"Product Viewed","properties":{"product_id":"p-1","category":"Books"}}'
  read:  curl -u $READ_KEY: http://localhost:$PORT/v1/profiles/user_id/u-1
         (an event is applied once events over 10 s later in event time have arrived: the job orders by event
          time within that lateness; its profile shows after the next checkpoint commits, every 10 s)
  work directory: $WORK    Ctrl-C stops everything.
TXT
wait
