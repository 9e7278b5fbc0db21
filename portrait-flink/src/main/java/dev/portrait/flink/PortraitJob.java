package dev.portrait.flink;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * Portrait's scale-out runtime as a Flink job.
 *
 * <pre>
 *  events topic ─► clean ─(rejected)──────────────────────────────────────────────► quarantine topic
 *                    │ watermark = latest event time − lateness (+ the time since the last event, when quiet)
 *                    ▼ keyBy messageId
 *                  dedup (TTL)
 *                    ▼ keyBy constant, parallelism 1
 *                  identity: event-time order, IdentityGraph ─(too late)────────────► quarantine topic
 *                    ▼ keyBy profile id            ▲
 *                  profile: ProfileUpdater, timers │ transfers topic (merged-away profiles' state)
 *                    ├─► profiles topic (compacted) · profile-changes · segment-transitions
 *                    └─► transfers topic ──────────┘
 * </pre>
 *
 * Every sink is transactional (exactly once with the checkpoints); readers use
 * {@code isolation.level=read_committed}.
 */
public final class PortraitJob {
    private PortraitJob() {
    }

    /** Adds the job's operators to {@code env} (which the caller executes). */
    public static void define(StreamExecutionEnvironment env, JobSettings s) {
        define(env, s, UnaryOperator.identity());
    }

    /**
     * As {@link #define(StreamExecutionEnvironment, JobSettings)}, with a step between the identity
     * and the profile operators (tests put a fault there).
     */
    public static void define(StreamExecutionEnvironment env, JobSettings s,
                              UnaryOperator<DataStream<Instruction>> beforeProfiles) {
        env.enableCheckpointing(s.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.setParallelism(s.parallelism());

        KafkaSourceBuilder<IncomingEvent> events = KafkaSource.<IncomingEvent>builder()
                .setBootstrapServers(s.bootstrap())
                .setTopics(s.topic(JobSettings.EVENTS))
                .setGroupId(s.transactionPrefix() + "-events")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new KafkaFormats.Events())
                .setProperty("isolation.level", "read_committed");
        if (s.boundedEvents()) {
            events.setBounded(OffsetsInitializer.latest());
        }
        SingleOutputStreamOperator<LoggedEvent> cleaned = env
                .fromSource(events.build(), WatermarkStrategy.noWatermarks(), "events")
                .process(new Cleaning(s.definitionYaml())).name("clean").uid("clean");

        DataStream<LoggedEvent> timed = cleaned.assignTimestampsAndWatermarks(IdleAdvancingWatermarks.strategy(s.lateness()))
                .name("event time").uid("event-time");

        SingleOutputStreamOperator<Instruction> instructions = timed
                .keyBy(e -> e.messageId, Types.STRING)
                .process(new Deduplication(s.dedupWindow())).name("dedup").uid("dedup")
                .keyBy(e -> IdentityResolution.KEY, Types.BYTE)
                .transform("identity", TypeInformation.of(Instruction.class),
                        new IdentityResolution(s.definitionYaml(), s.lateness(), s.profileIdSecret())).uid("identity")
                .setParallelism(1).setMaxParallelism(1);

        KafkaSource<Transfer> transfersIn = KafkaSource.<Transfer>builder()
                .setBootstrapServers(s.bootstrap())
                .setTopics(s.topic(JobSettings.TRANSFERS))
                .setGroupId(s.transactionPrefix() + "-transfers")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new KafkaFormats.Transfers())
                .setProperty("isolation.level", "read_committed")
                .build();
        DataStream<Transfer> transfers = env.fromSource(transfersIn, new AlwaysIdle<>(), "transfers");

        SingleOutputStreamOperator<ProfileRecord> profiles = beforeProfiles.apply(instructions)
                .connect(transfers)
                .keyBy(i -> i.target, t -> t.winner, Types.STRING)
                .transform("profile", TypeInformation.of(ProfileRecord.class), new ProfileFolding(s.definitionYaml(), s.profileIdSecret()))
                .uid("profile");

        profiles.sinkTo(sink(s, "profiles", new KafkaFormats.ProfileWriter(s.topic(JobSettings.PROFILES))))
                .name("profiles topic").uid("profiles-sink");
        profiles.getSideOutput(ProfileFolding.CHANGES)
                .sinkTo(sink(s, "changes", new KafkaFormats.KeyedJsonWriter(s.topic(JobSettings.CHANGES))))
                .name("changes topic").uid("changes-sink");
        profiles.getSideOutput(ProfileFolding.TRANSITIONS)
                .sinkTo(sink(s, "transitions", new KafkaFormats.KeyedJsonWriter(s.topic(JobSettings.TRANSITIONS))))
                .name("transitions topic").uid("transitions-sink");
        profiles.getSideOutput(ProfileFolding.TRANSFERS)
                .sinkTo(sink(s, "transfers", new KafkaFormats.TransferWriter(s.topic(JobSettings.TRANSFERS))))
                .name("transfers topic").uid("transfers-sink");
        cleaned.getSideOutput(Cleaning.QUARANTINE)
                .union(instructions.getSideOutput(IdentityResolution.QUARANTINE))
                .sinkTo(sink(s, "quarantine", new KafkaFormats.QuarantineWriter(s.topic(JobSettings.QUARANTINE))))
                .name("quarantine topic").uid("quarantine-sink");
    }

    private static <T> KafkaSink<T> sink(JobSettings s, String name, KafkaRecordSerializationSchema<T> writer) {
        Properties producer = new Properties();
        // Below the broker's transaction.max.timeout.ms (15 min by default), above any checkpoint pause.
        producer.setProperty("transaction.timeout.ms", "600000");
        return KafkaSink.<T>builder()
                .setBootstrapServers(s.bootstrap())
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(writer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(s.transactionPrefix() + "-" + name)
                .build();
    }

    /** The state backend and checkpoint storage the job is meant to run with (RocksDB, incremental). */
    public static Configuration configuration(JobSettings s) {
        Configuration c = new Configuration();
        c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        if (s.checkpointDir() != null) {
            c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, s.checkpointDir());
        }
        return c;
    }

    /**
     * The transfers input carries no event time of its own: it declares itself idle, so the profile
     * operator's watermark is the events' watermark alone. (Declaring itself "caught up" with a maximal
     * watermark would be wrong: while the events input is idle the operator's watermark would jump to the
     * end of time and fire every profile's timers at once.)
     */
    static final class AlwaysIdle<T> implements WatermarkStrategy<T> {
        private static final long serialVersionUID = 1L;

        @Override
        public WatermarkGenerator<T> createWatermarkGenerator(
                org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier.Context context) {
            return new WatermarkGenerator<>() {
                @Override
                public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
                }

                @Override
                public void onPeriodicEmit(WatermarkOutput output) {
                    output.markIdle();
                }
            };
        }
    }

    /**
     * {@code java -jar portrait-flink-job.jar --bootstrap HOST:9092 [--parallelism N] [--lateness PT10S]
     * [--checkpoint-interval PT10S] [--checkpoints file:///…] [--definition FILE] [--topic-prefix P]
     * [--transaction-prefix P] [--create-topics PARTITIONS]}, or the same arguments after {@code flink run}.
     * {@code --create-topics} first creates the job's topics that do not exist yet (single replica; for a
     * local run, docs/SCALE-OUT.md has the production settings). The profile id secret comes from
     * {@code --profile-id-secret-file FILE} or the environment variable {@code PORTRAIT_PROFILE_ID_SECRET}
     * (never a flag's value: flags show in {@code ps}); the job refuses to start without one.
     */
    public static void main(String[] args) throws Exception {
        JobSettings s;
        String bootstrap = null;
        int createPartitions = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--bootstrap")) {
                bootstrap = args[i + 1];
            }
        }
        s = JobSettings.defaults(bootstrap);
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            String v = args[i + 1];
            s = switch (args[i]) {
                case "--bootstrap" -> s;
                case "--parallelism" -> s.withParallelism(Integer.parseInt(v));
                case "--lateness" -> s.withLateness(Duration.parse(v));
                case "--checkpoint-interval" -> s.withCheckpoints(Duration.parse(v), s.checkpointDir());
                case "--checkpoints" -> s.withCheckpoints(s.checkpointInterval(), v);
                case "--definition" -> s.withDefinition(Path.of(v));
                case "--topic-prefix" -> s.withTopicPrefix(v);
                case "--transaction-prefix" -> s.withTransactionPrefix(v);
                case "--profile-id-secret-file" -> s.withProfileIdSecret(Files.readString(Path.of(v)).strip());
                case "--create-topics" -> {
                    createPartitions = Integer.parseInt(v);
                    yield s;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            };
        }
        if (s.profileIdSecret() == null && System.getenv("PORTRAIT_PROFILE_ID_SECRET") != null) {
            s = s.withProfileIdSecret(System.getenv("PORTRAIT_PROFILE_ID_SECRET"));
        }
        if (s.profileIdSecret() == null) {
            throw new IllegalArgumentException("the job needs a profile id secret (at least 16 bytes), so profile ids "
                    + "cannot be recomputed from identifiers: --profile-id-secret-file FILE or PORTRAIT_PROFILE_ID_SECRET");
        }
        if (createPartitions > 0) {
            Topics.createMissing(s, createPartitions);
            System.out.println("portrait job: topics ready on " + s.bootstrap());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration(s));
        define(env, s);
        env.execute("portrait");
    }
}
