package dev.portrait.server.runtime;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.server.runtime.ingest.PreparedEvents;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.QuarantineRecord;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bulk entry an importer uses: prepare on any thread, join, commit once, in order. */
class PreparedEventsTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private final PortraitStore store = PortraitStore.inMemory(StoreOptions.defaults());
    private EmbeddedRuntime runtime;

    @BeforeEach
    void start() {
        runtime = EmbeddedRuntime.start(store, DefinitionLoader.defaultEcommerce(), Clock.fixed(NOW, ZoneOffset.UTC),
                RuntimeOptions.defaults(), IngestCounters.NONE);
    }

    @AfterEach
    void close() {
        runtime.close();
    }

    private static IncomingEvent view(String messageId, int i) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", "track");
        json.put("messageId", messageId);
        json.put("userId", "u1");
        json.put("event", "Product Viewed");
        json.put("properties", Map.of("product_id", "p" + i));
        json.put("timestamp", NOW.minusSeconds(60).plusMillis(i).toString());
        return new IncomingEvent(json, json.toString().getBytes(StandardCharsets.UTF_8), NOW, i);
    }

    @Test
    void joinedBatchesAnswerEventsThenUnreadablesInOrderAndLogTheEventsInOrder() throws Exception {
        byte[] garbage = "{\"type\":".getBytes(StandardCharsets.UTF_8);
        QuarantineRecord unreadable = new QuarantineRecord(garbage, "malformed_json", "line 3: cut off", "$",
                NOW.toEpochMilli());
        PreparedEvents first = runtime.prepare(List.of(view("m1", 1), view("m2", 2)), List.of(unreadable));
        PreparedEvents second = runtime.prepare(List.of(view("m3", 3), view("m1", 4)), List.of());
        PreparedEvents group = PreparedEvents.concat(List.of(first, second));
        assertThat(group.size()).isEqualTo(5);

        List<IngestOutcome> outcomes = runtime.commit(group).get(30, TimeUnit.SECONDS);

        assertThat(outcomes).hasSize(5);
        assertThat(outcomes.get(0)).isInstanceOf(IngestOutcome.Stored.class);
        assertThat(outcomes.get(1)).isInstanceOf(IngestOutcome.Stored.class);
        assertThat(outcomes.get(2)).isInstanceOfSatisfying(IngestOutcome.Quarantined.class,
                q -> assertThat(q.code()).isEqualTo("malformed_json"));
        assertThat(outcomes.get(3)).isInstanceOf(IngestOutcome.Stored.class);
        assertThat(outcomes.get(4)).as("m1 again, in the same group").isInstanceOf(IngestOutcome.Duplicate.class);
        List<String> logged = new ArrayList<>();
        var cursor = store.events().replay(1);
        while (cursor.hasNext()) {
            logged.add(cursor.next().decode().messageId());
        }
        assertThat(logged).containsExactly("m1", "m2", "m3");
        var quarantined = store.quarantine().list(null, 10).items();
        assertThat(quarantined).hasSize(1);
        assertThat(quarantined.get(0).rawEvent()).as("the line's own bytes").isEqualTo(garbage);
    }

    @Test
    void preparedEventsAreCommittedAtMostOnce() throws Exception {
        PreparedEvents batch = runtime.prepare(List.of(view("m1", 1)), List.of());
        runtime.commit(batch).get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> runtime.commit(batch)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("committed already");
        assertThatThrownBy(() -> PreparedEvents.concat(List.of(batch, batch))).isInstanceOf(IllegalStateException.class);
    }
}
