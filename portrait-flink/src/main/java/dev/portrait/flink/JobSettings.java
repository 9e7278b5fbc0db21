package dev.portrait.flink;

import dev.portrait.core.identity.ProfileIdKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the job needs to know, validated when made.
 *
 * @param bootstrap          Kafka bootstrap servers
 * @param topicPrefix        prepended to every topic name ({@code ""} for the plain names)
 * @param definitionYaml     the profile definition's YAML text; null for the shipped e-commerce one
 * @param lateness           how far behind the latest event time an event may arrive and still be
 *                           applied in order; later ones are quarantined as {@code too_late}
 * @param dedupWindow        how long a messageId is remembered
 * @param checkpointInterval how often state and Kafka transactions are committed (also the latency of
 *                           the outputs, which readers see only once committed)
 * @param parallelism        the parallelism of everything but the identity operator (always 1)
 * @param checkpointDir      a {@code file://}, {@code s3://} … URI for checkpoints; null for the
 *                           cluster's configured default
 * @param transactionPrefix  prefix of the sinks' transactional ids; unique per job on a cluster
 * @param boundedEvents      stop reading events at the topic's end as of the start (tests, benchmarks)
 * @param profileIdSecret    the secret new profiles are named under ({@code ProfileIdKey}, at least 16
 *                           bytes of UTF-8), so ids cannot be recomputed from identifiers; null names them
 *                           under the public test key, for tests only ({@link PortraitJob#main} requires one)
 */
public record JobSettings(String bootstrap, String topicPrefix, String definitionYaml, Duration lateness,
                          Duration dedupWindow, Duration checkpointInterval, int parallelism, String checkpointDir,
                          String transactionPrefix, boolean boundedEvents, String profileIdSecret) {
    public static final String EVENTS = "events";
    public static final String PROFILES = "profiles";
    public static final String CHANGES = "profile-changes";
    public static final String TRANSITIONS = "segment-transitions";
    public static final String QUARANTINE = "quarantine";
    public static final String TRANSFERS = "profile-transfers";

    public JobSettings {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers are needed, got " + bootstrap);
        }
        topicPrefix = topicPrefix == null ? "" : topicPrefix;
        Objects.requireNonNull(lateness, "lateness");
        if (lateness.isNegative()) {
            throw new IllegalArgumentException("lateness must not be negative, got " + lateness);
        }
        if (dedupWindow == null || dedupWindow.isNegative() || dedupWindow.isZero()) {
            throw new IllegalArgumentException("dedupWindow must be positive, got " + dedupWindow);
        }
        if (checkpointInterval == null || checkpointInterval.toMillis() < 10) {
            throw new IllegalArgumentException("checkpointInterval must be at least 10 ms, got " + checkpointInterval);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
        if (transactionPrefix == null || transactionPrefix.isBlank()) {
            throw new IllegalArgumentException("transactionPrefix must not be empty, got " + transactionPrefix);
        }
        if (profileIdSecret != null) {
            ProfileIdKey.ofText(profileIdSecret); // refuses a short one here, not on a task manager
        }
    }

    /** The key the identity operator names new profiles under. */
    public ProfileIdKey profileIdKey() {
        return profileIdSecret == null ? ProfileIdKey.publicTestKey() : ProfileIdKey.ofText(profileIdSecret);
    }

    /** Never the secret. */
    @Override
    public String toString() {
        return "JobSettings[bootstrap=" + bootstrap + ", topicPrefix=" + topicPrefix + ", lateness=" + lateness
                + ", dedupWindow=" + dedupWindow + ", checkpointInterval=" + checkpointInterval + ", parallelism="
                + parallelism + ", checkpointDir=" + checkpointDir + ", transactionPrefix=" + transactionPrefix
                + ", boundedEvents=" + boundedEvents + ", profileIdSecret=" + (profileIdSecret == null ? "none" : "set")
                + "]";
    }

    /** Defaults: the plain topic names, 10 s lateness, 7 days of dedup, checkpoints every 10 s. */
    public static JobSettings defaults(String bootstrap) {
        return new JobSettings(bootstrap, "", null, Duration.ofSeconds(10), Duration.ofDays(7), Duration.ofSeconds(10),
                1, null, "portrait", false, null);
    }

    public String topic(String name) {
        return topicPrefix + name;
    }

    public JobSettings withTopicPrefix(String v) {
        return new JobSettings(bootstrap, v, definitionYaml, lateness, dedupWindow, checkpointInterval, parallelism,
                checkpointDir, transactionPrefix, boundedEvents, profileIdSecret);
    }

    public JobSettings withDefinition(Path file) throws java.io.IOException {
        return new JobSettings(bootstrap, topicPrefix, Files.readString(file), lateness, dedupWindow, checkpointInterval,
                parallelism, checkpointDir, transactionPrefix, boundedEvents, profileIdSecret);
    }

    public JobSettings withLateness(Duration v) {
        return new JobSettings(bootstrap, topicPrefix, definitionYaml, v, dedupWindow, checkpointInterval, parallelism,
                checkpointDir, transactionPrefix, boundedEvents, profileIdSecret);
    }

    public JobSettings withCheckpoints(Duration interval, String dir) {
        return new JobSettings(bootstrap, topicPrefix, definitionYaml, lateness, dedupWindow, interval, parallelism, dir,
                transactionPrefix, boundedEvents, profileIdSecret);
    }

    public JobSettings withParallelism(int v) {
        return new JobSettings(bootstrap, topicPrefix, definitionYaml, lateness, dedupWindow, checkpointInterval, v,
                checkpointDir, transactionPrefix, boundedEvents, profileIdSecret);
    }

    public JobSettings withTransactionPrefix(String v) {
        return new JobSettings(bootstrap, topicPrefix, definitionYaml, lateness, dedupWindow, checkpointInterval,
                parallelism, checkpointDir, v, boundedEvents, profileIdSecret);
    }

    public JobSettings withProfileIdSecret(String v) {
        return new JobSettings(bootstrap, topicPrefix, definitionYaml, lateness, dedupWindow, checkpointInterval,
                parallelism, checkpointDir, transactionPrefix, boundedEvents, v);
    }

    public JobSettings withBoundedEvents(boolean v) {
        return new JobSettings(bootstrap, topicPrefix, definitionYaml, lateness, dedupWindow, checkpointInterval,
                parallelism, checkpointDir, transactionPrefix, v, profileIdSecret);
    }
}
