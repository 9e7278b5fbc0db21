package dev.portrait.server.e2e;

import dev.portrait.server.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.server.PortraitServer;
import dev.portrait.server.http.HttpConfig;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ingest limits through the real embedded runtime: what the edge refuses and what the cleaner
 * rejects end in the durable quarantine with the bytes the client sent, the rest of the batch in the log,
 * and a re-drive judges the quarantined ones the same way again.
 */
class IngestLimitsIT {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final String WRITE = "wk-test";
    private static final String READ = "rk-test";
    private static final String ADMIN = "ak-test";

    @TempDir
    Path data;

    private PortraitServer server;
    private Client client;

    @BeforeEach
    void start() {
        HttpConfig http = HttpConfig.of(0, new HttpConfig.ApiKeys(Set.of(WRITE), Set.of(READ), Set.of(ADMIN)));
        RuntimeOptions options = new RuntimeOptions(10_000, Duration.ofMillis(50), 1_000, 10_000, 100_000, Duration.ZERO);
        server = PortraitServer.start(new PortraitServer.Settings(data, DefinitionLoader.defaultEcommerce(), http,
                options, StoreOptions.defaults()), new MutableClock(NOW));
        client = new Client(server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String view(int i) {
        return "{\"type\":\"track\",\"messageId\":\"m" + i + "\",\"userId\":\"u" + (i % 50) + "\",\"event\":\"Product Viewed\","
                + "\"properties\":{\"product_id\":\"p" + i + "\",\"category\":\"shoes\",\"price\":25.0},"
                + "\"timestamp\":\"" + NOW.minusSeconds(60) + "\"}";
    }

    @Test
    void unrepresentableNumbersAndAnEventTooLargeWithItsContextAreQuarantinedAloneWithTheBytesSent()
            throws Exception {
        String thousandDigits = "7".repeat(1_001);
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            events.add(view(i));
        }
        events.set(3, events.get(3).replace("\"price\":25.0", "\"price\":25.0,\"qty\":9223372036854775808"));
        events.set(150, events.get(150).replace("\"price\":25.0", "\"price\":25.0,\"sku\":" + thousandDigits));
        // 31 KB of its own: under the 32 KB limit alone, over it with the batch's 2 KB context
        StringBuilder notes = new StringBuilder();
        for (int n = 0; n < 4; n++) {
            notes.append(",\"note").append(n).append("\":\"").append("n".repeat(7_900)).append('"');
        }
        events.set(299, events.get(299).replace("\"price\":25.0", "\"price\":25.0" + notes));
        assertThat(events.get(299).length()).isBetween(31_000, 32_768);
        String body = "{\"context\":{\"library\":{\"name\":\"analytics-test\"},\"pad\":\"" + "c".repeat(2_048) + "\"},"
                + "\"batch\":[" + String.join(",", events) + "]}";

        Client.Answer a = client.post("/v1/batch", WRITE, body);
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(200);
        assertThat(a.body().get("stored").asInt()).isEqualTo(297);
        Map<Integer, String> rejected = new HashMap<>();
        a.body().get("rejected").forEach(r -> rejected.put(r.get("index").asInt(), r.get("code").asText() + " at "
                + r.get("path").asText()));
        assertThat(rejected).containsOnly(Map.entry(3, "invalid_number at properties.qty"),
                Map.entry(150, "invalid_number at properties.sku"), Map.entry(299, "event_too_large at $"));

        JsonNode quarantine = client.get("/v1/quarantine?limit=10", ADMIN).body().get("items");
        assertThat(quarantine).hasSize(3);
        Map<String, String> byCode = new HashMap<>();
        quarantine.forEach(q -> byCode.merge(q.get("code").asText(), q.get("event").asText(), (x, y) -> x + "\n" + y));
        assertThat(byCode.get("invalid_number")).contains("9223372036854775808").contains(thousandDigits);
        assertThat(byCode.get("event_too_large")).as("kept without the context that made it too large")
                .contains("\"messageId\":\"m299\"").doesNotContain("c".repeat(2_048));

        // a re-drive is the cleaner's judgement again: the numbers stay rejected; the edge's size limit is not
        // the cleaner's, and the event alone (31 KB, without the batch's context) is within it, so it is stored
        JsonNode redriven = client.post("/v1/quarantine/redrive", ADMIN, "{}").body();
        assertThat(redriven.toString()).contains("\"stored\":1");
        JsonNode left = client.get("/v1/quarantine?limit=10", ADMIN).body().get("items");
        assertThat(left).hasSize(2);
        left.forEach(q -> assertThat(q.get("code").asText()).isEqualTo("invalid_number"));
    }
}
