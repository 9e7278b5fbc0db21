package dev.portrait.server.runtime;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileCodec;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.testing.MutableClock;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write-back takes the bytes the worker published for a profile instead of encoding it again
 * ({@code Publisher.currentBytes}); what it writes must still be exactly the profile's state in memory,
 * also when timers changed profiles between the publication and the write-back.
 */
class WriteBackBytesTest {
    private static final long SEED = 6_2026_12_03L;
    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

    private final PortraitStore store = PortraitStore.inMemory(StoreOptions.defaults());
    private final ProfileDefinition definition = DefinitionLoader.defaultEcommerce();
    private final ProfileCodec codec = new ProfileCodec(new ProfileEngine(definition).updater());
    private final MutableClock clock = new MutableClock(START);
    private EmbeddedRuntime runtime;
    private int next;

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void everyProfileWrittenBackEqualsItsStateInMemoryAfterTimersMovedIt() throws Exception {
        // a long interval: write-backs happen only when the test asks, after the timers have run
        runtime = EmbeddedRuntime.start(store, definition, clock,
                new RuntimeOptions(1_000, Duration.ofDays(3_650), 1_000_000, 10_000, 100_000, Duration.ZERO),
                IngestCounters.NONE);
        SplittableRandom random = new SplittableRandom(SEED);
        List<String> users = new ArrayList<>();
        for (int u = 0; u < 40; u++) {
            users.add("u" + u);
        }
        for (int round = 0; round < 6; round++) {
            List<IncomingEvent> batch = new ArrayList<>();
            for (String user : users) {
                for (int k = random.nextInt(1, 4); k > 0; k--) {
                    batch.add(event(user, random));
                }
            }
            runtime.ingest(batch);
            runtime.worker().call(() -> null); // folded and published
            // time passes: segment windows close, delayed labels settle, nextCheck moves
            clock.advance(Duration.ofMinutes(random.nextInt(30, 24 * 60)));
            Thread.sleep(150); // the worker wakes at least every 50 ms and fires what is due
            int[] written = {0};
            List<String> mismatched = runtime.worker().call(() -> {
                Map<String, byte[]> before = new LinkedHashMap<>();
                for (String id : store.profiles().ids("", 10_000)) {
                    before.put(id, store.profiles().get(id));
                }
                runtime.worker().writeBack();
                List<String> wrong = new ArrayList<>();
                for (String id : store.profiles().ids("", 10_000)) {
                    byte[] stored = store.profiles().get(id);
                    if (Arrays.equals(stored, before.get(id))) {
                        continue; // not written by this write-back: a timer may have moved it since, legitimately
                    }
                    written[0]++;
                    if (!Arrays.equals(stored, codec.encode(runtime.worker().load(id)))) {
                        wrong.add(id);
                    }
                }
                return wrong;
            });
            assertThat(written[0]).as("profiles this write-back wrote").isGreaterThan(20);
            assertThat(mismatched).as("seed %d, round %d: profiles whose written bytes differ from memory", SEED, round)
                    .isEmpty();
        }
    }

    private IncomingEvent event(String user, SplittableRandom random) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", "track");
        json.put("messageId", "m" + (++next));
        json.put("userId", user);
        String[] names = {"Product Viewed", "Product Added", "Order Completed", "Page Viewed"};
        String name = names[random.nextInt(names.length)];
        json.put("event", name);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("product_id", "p" + random.nextInt(20));
        props.put("category", random.nextBoolean() ? "shoes" : "hats");
        if (name.equals("Order Completed")) {
            props.put("revenue", 10 + random.nextInt(200));
        }
        json.put("properties", props);
        json.put("timestamp", clock.instant().minusSeconds(random.nextInt(1, 600)).toString());
        return new IncomingEvent(json, json.toString().getBytes(StandardCharsets.UTF_8), clock.instant(), 0);
    }
}
