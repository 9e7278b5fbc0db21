package dev.portrait.server.kafka;

import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.server.http.HttpApi;
import dev.portrait.server.http.HttpConfig;
import dev.portrait.server.ProcessMeters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Clock;

/**
 * {@code portrait serve --kafka}: the same HTTP API over {@link KafkaRuntime} instead of the embedded
 * runtime. No data directory: events go to Kafka, profiles come from the Flink job's profiles topic.
 */
public final class KafkaModeServer implements AutoCloseable {
    private final KafkaRuntime runtime;
    private final HttpApi http;
    private final ProcessMeters process;

    private KafkaModeServer(KafkaRuntime runtime, HttpApi http, ProcessMeters process) {
        this.runtime = runtime;
        this.http = http;
        this.process = process;
    }

    public static KafkaModeServer start(String bootstrap, KafkaTopics topics, ProfileDefinition definition,
                                        HttpConfig config, Clock clock) {
        return start(bootstrap, topics, definition, config, clock, dev.portrait.server.http.PrivacyConfig.DEFAULT);
    }

    /**
     * As above, with the configured dp-only and purpose-limited keys enforced: there is no privacy budget here,
     * so a private read answers 501, but a limited key stays limited.
     */
    public static KafkaModeServer start(String bootstrap, KafkaTopics topics, ProfileDefinition definition,
                                        HttpConfig config, Clock clock,
                                        dev.portrait.server.http.PrivacyConfig privacy) {
        KafkaRuntime runtime = KafkaRuntime.start(bootstrap, topics, definition, clock);
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ProcessMeters process = ProcessMeters.bindTo(metrics); // first: it renames through meter filters
        Gauge.builder("portrait_kafka_profile_records_read", runtime, KafkaRuntime::profileRecordsRead)
                .description("records read from the profiles topic since the server started").register(metrics);
        try {
            return new KafkaModeServer(runtime, HttpApi.start(config, runtime, runtime, runtime, metrics, clock,
                    dev.portrait.server.port.PrivacyPort.UNAVAILABLE, privacy), process);
        } catch (RuntimeException e) {
            process.close();
            runtime.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    public KafkaRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        try {
            http.close();
            process.close();
        } finally {
            runtime.close();
        }
    }
}
