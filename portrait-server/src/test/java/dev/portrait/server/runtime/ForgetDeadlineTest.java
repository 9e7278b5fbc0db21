package dev.portrait.server.runtime;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.event.EventCodec;
import dev.portrait.server.port.ForgetStatus;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bound a forget's status promises is the runtime's setting, not a constant. */
class ForgetDeadlineTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void aForgetsDeadlineIsItsRequestTimePlusTheConfiguredBound() {
        RuntimeOptions options = new RuntimeOptions(100, Duration.ofSeconds(1), 1_000, 1_000, 10_000, Duration.ZERO)
                .withForgetWithin(Duration.ofMinutes(3));
        try (PortraitStore store = PortraitStore.inMemory(StoreOptions.defaults())) {
            EmbeddedRuntime runtime = EmbeddedRuntime.start(store, DefinitionLoader.defaultEcommerce(),
                    Clock.fixed(NOW, ZoneOffset.UTC), options, IngestCounters.NONE);
            try {
                byte[] raw = ("{\"type\":\"identify\",\"messageId\":\"m1\",\"userId\":\"ada\","
                        + "\"timestamp\":\"2026-03-01T11:59:00Z\"}").getBytes(StandardCharsets.UTF_8);
                runtime.ingest(List.of(new IncomingEvent(EventCodec.parseRaw(raw), raw, NOW, 0)));
                ForgetStatus status = runtime.startForget("user_id", "ada", "test");
                assertThat(status.requestedAt()).isEqualTo(NOW);
                assertThat(status.deadline()).isEqualTo(NOW.plus(Duration.ofMinutes(3)));
            } finally {
                runtime.close();
            }
        }
    }

    @Test
    void theDefaultIsTenMinutesAndABoundMustBePositive() {
        RuntimeOptions options = new RuntimeOptions(100, Duration.ofSeconds(1), 1_000, 1_000, 10_000, Duration.ZERO);
        assertThat(options.forgetWithin()).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> options.withForgetWithin(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("forgetWithin must be positive");
    }
}
