package dev.portrait.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.synth.SyntheticConfig;
import dev.portrait.synth.SyntheticStream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 4's throughput figures, all in one run on one machine: the Flink job (MiniCluster, parallelism
 * 2, RocksDB state, checkpoints every 10 s, exactly-once Kafka sinks) against the embedded runtime
 * ({@code portrait import} of the same events, a child JVM) and against a hand-written DataStream job
 * that only counts events per user in sliding event-time windows (24 h sliding by 1 h, the shape of
 * {@code views_24h}) with the same source, checkpoints and an exactly-once sink.
 *
 * <pre>
 * mvn -o -q -pl portrait-flink -am install -DskipTests   # and portrait-cli for its jar
 * cd portrait-flink && mvn -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/cp.txt
 * java --add-opens=java.base/java.util=ALL-UNNAMED \
 *      -cp target/classes:target/test-classes:$(cat target/cp.txt) dev.portrait.flink.FlinkBenchmark [events] [users]
 * </pre>
 */
public final class FlinkBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern IMPORTED = Pattern.compile(
            "([\\d,]+) events in ([\\d.]+) s: ([\\d,]+) events/s into the log \\(durable\\); profiles folded and written back ([\\d.]+) s later");

    private FlinkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        System.out.println("load average at start: " + Files.readString(Path.of("/proc/loadavg")).trim());
        Path tmp = Files.createTempDirectory("portrait-flink-bench");
        Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(3, ChronoUnit.DAYS);
        List<byte[]> lines = new ArrayList<>(events);
        SyntheticStream.of(SyntheticConfig.defaults(7).withUsers(users).withStart(start)).limit(events)
                .forEachRemaining(e -> lines.add(e.toJsonLine()));
        Path jsonl = tmp.resolve("events.jsonl");
        try (OutputStream out = Files.newOutputStream(jsonl)) {
            for (byte[] l : lines) {
                out.write(l);
                out.write('\n');
            }
        }
        long applied = expectedApplied(lines);
        System.out.printf("%,d events (%,d accepted and unique), %,d users%n", events, applied, users);

        double embedded = embedded(jsonl, tmp.resolve("data"));
        try (KafkaBroker kafka = new KafkaBroker()) {
            kafka.createTopics("bench-", 2);
            produce(kafka, "bench-" + JobSettings.EVENTS, lines, start.plus(1, ChronoUnit.DAYS));
            double portrait = portraitJob(kafka, applied, tmp);
            double counts = windowedCounts(kafka, events, tmp);
            System.out.printf("%nFlink job / embedded import: %.2f%n", portrait / embedded);
            System.out.printf("Flink job / windowed-count job: %.3f%n", portrait / counts);
        }
        System.out.println("load average at end: " + Files.readString(Path.of("/proc/loadavg")).trim());
    }

    /** Events the job will fold: accepted by the cleaner, first of their messageId. */
    private static long expectedApplied(List<byte[]> lines) {
        Cleaner cleaner = new Cleaner(DefinitionLoader.defaultEcommerce());
        Set<String> seen = new HashSet<>();
        Instant now = Instant.now();
        long n = 0;
        for (byte[] l : lines) {
            if (cleaner.clean(l, now) instanceof CleanResult.Accepted a && seen.add(a.event().messageId())) {
                n++;
            }
        }
        return n;
    }

    private static double embedded(Path jsonl, Path data) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", EmbeddedPortrait.jar().toString(), "import",
                jsonl.toString(), "--data", data.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = IMPORTED.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no summary in the import's output:\n" + out);
        }
        long n = Long.parseLong(m.group(1).replace(",", ""));
        double logged = Double.parseDouble(m.group(2));
        double folded = Double.parseDouble(m.group(4));
        double rate = n / (logged + folded);
        System.out.printf("embedded (portrait import, child JVM): %,d events into the log in %.1f s, folded %.1f s later: "
                + "%,.0f events/s end to end (%s events/s into the durable log)%n", n, logged, folded, rate, m.group(3));
        return rate;
    }

    private static void produce(KafkaBroker kafka, String topic, List<byte[]> lines, Instant flushAt) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            int i = 0;
            for (byte[] v : lines) {
                producer.send(new ProducerRecord<>(topic, (i++ / 1000) % 2, null, v));
            }
            for (int partition = 0; partition < 2; partition++) {
                String flush = "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"flush\",\"messageId\":\"flush-"
                        + partition + "\",\"timestamp\":\"" + flushAt + "\",\"properties\":{\"product_id\":\"p\"}}";
                producer.send(new ProducerRecord<>(topic, partition, null, flush.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    /** Runs the Portrait job until the live profiles' versions add up to every applied event. */
    private static double portraitJob(KafkaBroker kafka, long applied, Path tmp) throws Exception {
        JobSettings s = JobSettings.defaults(kafka.bootstrap()).withTopicPrefix("bench-").withParallelism(2)
                .withTransactionPrefix("bench").withCheckpoints(Duration.ofSeconds(10), tmp.resolve("cp").toUri().toString());
        Configuration conf = PortraitJob.configuration(s);
        JobMetrics.enable(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        PortraitJob.define(env, s);
        long t0 = System.nanoTime();
        JobClient job = env.executeAsync("portrait-bench");
        Map<String, Long> versions = new HashMap<>();
        long sum = 0;
        long first = 0;
        try (KafkaConsumer<byte[], byte[]> c = reader(kafka, "bench-" + JobSettings.PROFILES)) {
            while (sum < applied) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (first == 0) {
                        first = System.nanoTime();
                    }
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    Long old = r.value() == null ? versions.remove(key)
                            : versions.put(key, versionOf(r.value()));
                    sum += (r.value() == null ? 0 : versions.get(key)) - (old == null ? 0 : old);
                }
                if (System.nanoTime() - t0 > 30L * 60 * 1_000_000_000L) {
                    throw new IllegalStateException("the job did not finish in 30 minutes: " + sum + " of " + applied);
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        JobMetrics.print(applied);
        TaskCpu.print(applied);
        job.cancel().get();
        double rate = applied / seconds;
        System.out.printf("Flink job (parallelism 2, RocksDB, checkpoints 10 s): %,d events folded in %.1f s from submission "
                + "(first output after %.1f s): %,.0f events/s; %,d live profiles%n", applied, seconds,
                (first - t0) / 1e9, rate, versions.size());
        return rate;
    }

    private static long versionOf(byte[] view) throws java.io.IOException {
        return JSON.readTree(view).path("version").asLong();
    }

    /** The baseline: count events per user (userId, else anonymousId) in 24 h windows sliding by 1 h. */
    private static double windowedCounts(KafkaBroker kafka, int events, Path tmp) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("state.backend.type", "rocksdb");
        conf.setString("execution.checkpointing.dir", tmp.resolve("cp-counts").toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(10_000, CheckpointingMode.EXACTLY_ONCE);
        KafkaSource<IncomingEvent> source = KafkaSource.<IncomingEvent>builder().setBootstrapServers(kafka.bootstrap())
                .setTopics("bench-" + JobSettings.EVENTS).setGroupId("bench-counts")
                .setStartingOffsets(OffsetsInitializer.earliest()).setBounded(OffsetsInitializer.latest())
                .setDeserializer(new KafkaFormats.Events()).build();
        Properties producer = new Properties();
        producer.setProperty("transaction.timeout.ms", "600000");
        KafkaSink<KeyedJson> sink = KafkaSink.<KeyedJson>builder().setBootstrapServers(kafka.bootstrap())
                .setKafkaProducerConfig(producer).setRecordSerializer(new KafkaFormats.KeyedJsonWriter("bench-counts"))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).setTransactionalIdPrefix("bench-counts").build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "events")
                .flatMap((IncomingEvent in, org.apache.flink.util.Collector<Tuple2<String, Long>> out) -> {
                    JsonNode e;
                    try {
                        e = JSON.readTree(in.json);
                    } catch (Exception malformed) {
                        return;
                    }
                    String who = e.path("userId").isTextual() ? e.path("userId").asText() : e.path("anonymousId").asText(null);
                    Instant at;
                    try {
                        at = Instant.parse(e.path("timestamp").asText());
                    } catch (Exception noTime) {
                        return;
                    }
                    if (who != null) {
                        out.collect(Tuple2.of(who + "\u0000" + at.toEpochMilli(), 1L));
                    }
                }).returns(Types.TUPLE(Types.STRING, Types.LONG))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Tuple2<String, Long>>forBoundedOutOfOrderness(Duration.ofSeconds(10))
                        .withTimestampAssigner((t, p) -> Long.parseLong(t.f0.substring(t.f0.indexOf('\u0000') + 1))))
                .map(t -> Tuple2.of(t.f0.substring(0, t.f0.indexOf('\u0000')), t.f1)).returns(Types.TUPLE(Types.STRING, Types.LONG))
                .keyBy(t -> t.f0, Types.STRING)
                .window(SlidingEventTimeWindows.of(Duration.ofHours(24), Duration.ofHours(1)))
                .reduce((a, b) -> Tuple2.of(a.f0, a.f1 + b.f1))
                .map(t -> new KeyedJson(t.f0, ("{\"count\":" + t.f1 + "}").getBytes(StandardCharsets.UTF_8)))
                .sinkTo(sink);
        long t0 = System.nanoTime();
        env.execute("windowed-counts");
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rate = events / seconds;
        System.out.printf("windowed-count job (same source, checkpoints, exactly-once sink): %,d events in %.1f s: %,.0f events/s%n",
                events, seconds, rate);
        return rate;
    }

    private static KafkaConsumer<byte[], byte[]> reader(KafkaBroker kafka, String topic) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        c.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }
}
