package dev.portrait.server.console;

import dev.portrait.server.port.Page;
import dev.portrait.server.port.QueryPort;
import dev.portrait.server.port.SegmentSummary;
import dev.portrait.core.profile.ProfileView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineSamplesTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicLong lag = new AtomicLong();
    private long size = 7;

    private final QueryPort query = new QueryPort() {
        @Override
        public Optional<ProfileView> profile(String idType, String id, Instant at) {
            return Optional.empty();
        }

        @Override
        public Optional<Page<dev.portrait.server.port.ChangeView>> changes(String idType, String id, String cursor, int limit) {
            return Optional.empty();
        }

        @Override
        public List<SegmentSummary> segments() {
            return List.of(new SegmentSummary("vip", "", "true", size));
        }

        @Override
        public Page<String> segmentMembers(String segment, String cursor, int limit) {
            return new Page<>(List.of(), null);
        }

        @Override
        public dev.portrait.server.port.AudienceCount countAudience(dev.portrait.core.segment.AudienceSpec spec) {
            // everyone: no segment, no condition
            assertThat(spec.all()).isEmpty();
            assertThat(spec.any()).isEmpty();
            assertThat(spec.none()).isEmpty();
            assertThat(spec.where()).isNull();
            return new dev.portrait.server.port.AudienceCount(42, 0.1);
        }
    };

    @Test
    void aSampleReadsTheServersOwnCountersGaugesAndSegmentSizes() {
        Counter received = Counter.builder("portrait.events.received").tag("source", "http").register(meters);
        Counter.builder("portrait.events.received").tag("source", "kafka").register(meters).increment(2);
        Counter.builder("portrait.events.quarantined").tag("source", "http").tag("code", "missing_field").register(meters)
                .increment(3);
        Counter.builder("portrait.events.quarantined").tag("source", "import").tag("code", "missing_field")
                .register(meters).increment(1);
        Gauge.builder("portrait_pipeline_lag_events", lag, AtomicLong::get).register(meters);
        received.increment(5);
        lag.set(11);
        PipelineSamples samples = new PipelineSamples(meters, query, Clock.fixed(Instant.ofEpochMilli(1_000), ZoneOffset.UTC));
        samples.sample();

        PipelineSamples.Sample s = samples.since(0).get(0);
        assertThat(s.time()).isEqualTo(1_000);
        assertThat(s.figures()).containsEntry("received", 7.0).containsEntry("lag", 11.0).containsEntry("profiles", 42.0)
                .doesNotContainKey("stored"); // no such meter on this server: absent, not zero
        assertThat(s.quarantined()).isEqualTo(Map.of("missing_field", 4.0));
        assertThat(s.segments()).isEqualTo(Map.of("vip", 7L));
    }

    @Test
    void theRingKeepsTheLastHourAndAnswersOnlyWhatIsNewer() {
        PipelineSamples samples = new PipelineSamples(meters, query, Clock.systemUTC());
        for (int i = 1; i <= PipelineSamples.CAPACITY + 10; i++) {
            samples.add(new PipelineSamples.Sample(i * 1_000L, Map.of(), Map.of(), Map.of()));
        }
        List<PipelineSamples.Sample> all = samples.since(0);
        assertThat(all).hasSize(PipelineSamples.CAPACITY);
        assertThat(all.get(0).time()).isEqualTo(11_000);
        assertThat(samples.since((PipelineSamples.CAPACITY + 8) * 1_000L)).extracting(PipelineSamples.Sample::time)
                .containsExactly((PipelineSamples.CAPACITY + 9) * 1_000L, (PipelineSamples.CAPACITY + 10) * 1_000L);
        assertThat(samples.since(Duration.ofDays(1).toMillis())).isEmpty();
    }

    @Test
    void aFailingSegmentReadLeavesAGapNotAStoppedSampler() {
        QueryPort failing = new QueryPort() {
            @Override
            public Optional<ProfileView> profile(String idType, String id, Instant at) {
                return Optional.empty();
            }

            @Override
            public Optional<Page<dev.portrait.server.port.ChangeView>> changes(String idType, String id, String cursor, int limit) {
                return Optional.empty();
            }

            @Override
            public List<SegmentSummary> segments() {
                throw new IllegalStateException("recovering");
            }

            @Override
            public Page<String> segmentMembers(String segment, String cursor, int limit) {
                return new Page<>(List.of(), null);
            }
        };
        PipelineSamples samples = new PipelineSamples(meters, failing, Clock.systemUTC());
        samples.sample();
        assertThat(samples.since(0)).singleElement().satisfies(s -> {
            assertThat(s.segments()).isEmpty();
            assertThat(s.figures()).doesNotContainKey("profiles"); // this runtime counts no audiences
        });
    }
}
