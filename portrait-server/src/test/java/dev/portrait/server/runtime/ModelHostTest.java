package dev.portrait.server.runtime;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.server.port.ModelPort;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The runtime's model state: fed per fold, encoded with the write-back, restored before replay. */
class ModelHostTest {
    private static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
    private final ProfileUpdater updater = new ProfileUpdater(DefinitionLoader.defaultEcommerce());
    private final Map<String, Profile> profiles = new HashMap<>();
    private int next;

    private Event view(String user, String product, long time) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("type", "track");
        raw.put("messageId", "m" + (++next));
        raw.put("userId", user);
        raw.put("event", "Product Viewed");
        raw.put("properties", Map.of("product_id", product, "category", "c" + product.hashCode() % 3));
        raw.put("timestamp", Instant.ofEpochMilli(time).toString());
        raw.put("receivedAt", Instant.ofEpochMilli(time).toString());
        return EventCodec.fromCleanMap(raw);
    }

    private void feed(ModelHost host, Event e) {
        Profile p = profiles.computeIfAbsent(e.userId(), updater::newProfile);
        updater.applyInPlace(p, e);
        host.observe(p, e);
    }

    @Test
    void restoringTheEncodedStateAndFeedingTheSameTailGivesTheSameBytesAsNeverStopping() {
        long seed = 5;
        System.out.println("ModelHostTest seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        ModelHost whole = new ModelHost(updater);
        ModelHost restarted = new ModelHost(updater);
        long t = T0;
        for (int i = 0; i < 600; i++) {
            t += random.nextInt(1, 120_000);
            Event e = view("u" + random.nextInt(40), "p" + random.nextInt(30), t);
            feed(whole, e);
            if (i == 300) {
                restarted.restore(whole.encode());
            }
            if (i > 300) {
                restarted.observe(profiles.get(e.userId()), e);
            }
        }
        assertThat(restarted.encode()).as("seed " + seed).isEqualTo(whole.encode());
    }

    @Test
    void aForgottenProfileLeavesNoModelStateBehind() {
        ModelHost host = new ModelHost(updater);
        feed(host, view("ada", "p1", T0));
        feed(host, view("ada", "p2", T0 + 60_000));
        String id = profiles.get("ada").profileId();
        assertThat(new String(host.encode(), java.nio.charset.StandardCharsets.ISO_8859_1)).contains(id);
        host.forget(id);
        assertThat(new String(host.encode(), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(id);
        ModelPort.ProfileScores scores = host.scores(id);
        assertThat(scores.botScore()).isZero();
        assertThat(scores.segments()).isEmpty();
    }

    @Test
    void aMergedProfileKeepsTheLosersBehaviour() {
        ModelHost host = new ModelHost(updater);
        for (int i = 0; i < 30; i++) {
            feed(host, view("phone", "p1", T0 + i * 2_000L));
        }
        feed(host, view("laptop", "p2", T0 + 100_000));
        String phone = profiles.get("phone").profileId();
        String laptop = profiles.get("laptop").profileId();
        double before = host.scores(laptop).botScore();
        host.merged(laptop, phone);
        assertThat(host.scores(laptop).botScore()).isGreaterThan(before);
        assertThat(new String(host.encode(), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(phone);
    }
}
