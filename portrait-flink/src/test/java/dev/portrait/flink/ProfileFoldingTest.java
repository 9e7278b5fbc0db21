package dev.portrait.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.profile.Profile;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The profile operator on Flink's operator test harness: what it publishes, when, and what it keeps. */
class ProfileFoldingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    @Test
    void manyEventsOfOneProfileBetweenCheckpointsArePublishedOnceWithTheirChangesInOneRecord() throws Exception {
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 5; i++) {
                h.processElement1(view("p_1", "u-1", "m-" + i, T0.plusSeconds(i)), T0.plusSeconds(i).toEpochMilli());
            }
            assertThat(profiles(h)).as("nothing before the checkpoint").isEmpty();
            h.prepareSnapshotPreBarrier(1);
            List<ProfileRecord> first = profiles(h);
            assertThat(first).hasSize(1);
            assertThat(JSON.readTree(first.get(0).view).path("version").asLong()).isEqualTo(5);
            assertThat(h.getSideOutput(ProfileFolding.CHANGES)).hasSize(1);
            JsonNode changes = JSON.readTree(h.getSideOutput(ProfileFolding.CHANGES).peek().getValue().value);
            assertThat(changes.path("profileId").asText()).isEqualTo("p_1");
            assertThat(changes.path("changes").size()).isGreaterThan(5);

            h.prepareSnapshotPreBarrier(2);
            assertThat(profiles(h)).as("an unchanged profile is not published again").hasSize(1);
        }
    }

    @Test
    void aRestartFromACheckpointContinuesFromTheProfileTheCheckpointSaved() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement1(view("p_1", "u-1", "m-1", T0), T0.toEpochMilli());
            h.processElement1(view("p_1", "u-1", "m-2", T0.plusSeconds(1)), T0.plusSeconds(1).toEpochMilli());
            h.prepareSnapshotPreBarrier(1);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement1(view("p_1", "u-1", "m-3", T0.plusSeconds(2)), T0.plusSeconds(2).toEpochMilli());
            h.prepareSnapshotPreBarrier(2);
            List<ProfileRecord> out = profiles(h);
            assertThat(out).hasSize(1);
            Profile p = new ProfileEngine(DefinitionLoader.defaultEcommerce()).codec().decode(out.get(0).profile);
            assertThat(p.version()).isEqualTo(3);
            assertThat(AttachedIdentifiers.decode(out.get(0).identifiers)).extracting(a -> a.identifier().value())
                    .containsExactly("u-1");
        }
    }

    @Test
    void eachProfileHasAtMostOneLiveTimer() throws Exception {
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 50; i++) {
                String who = "p_" + (i % 3);
                Instant at = T0.plusSeconds(60L * i);
                h.processElement1(view(who, "u-" + who, "m-" + i, at), at.toEpochMilli());
                assertThat(h.numEventTimeTimers()).as("after event %d", i).isLessThanOrEqualTo(3);
            }
            assertThat(h.numEventTimeTimers()).as("every profile has a check ahead").isEqualTo(3);
        }
    }

    @Test
    void aMergeMovesTheLosersStateToTheWinnerAndTombstonesTheLoser() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement1(view("p_w", "u-w", "m-1", T0), T0.toEpochMilli());
            h.processElement1(view("p_l", "u-l", "m-2", T0.plusSeconds(1)), T0.plusSeconds(1).toEpochMilli());
            h.processElement1(new StreamRecord<>(Instruction.retire("p_l", "p_w", T0.plusSeconds(2).toEpochMilli())));
            h.processElement1(new StreamRecord<>(Instruction.expect("p_w", "p_l", T0.plusSeconds(2).toEpochMilli())));
            // held until the transfer arrives
            h.processElement1(view("p_w", "u-w", "m-3", T0.plusSeconds(2)), T0.plusSeconds(2).toEpochMilli());
            List<Transfer> sent = new ArrayList<>();
            h.getSideOutput(ProfileFolding.TRANSFERS).forEach(r -> sent.add(r.getValue()));
            assertThat(sent).hasSize(1);
            h.processElement2(sent.get(0), T0.plusSeconds(2).toEpochMilli());
            h.prepareSnapshotPreBarrier(1);
            List<ProfileRecord> out = profiles(h);
            assertThat(out).extracting(r -> r.profileId).containsExactlyInAnyOrder("p_w", "p_l");
            ProfileRecord loser = out.stream().filter(r -> r.profileId.equals("p_l")).findFirst().orElseThrow();
            assertThat(loser.view).as("tombstone").isNull();
            ProfileRecord winner = out.stream().filter(r -> r.profileId.equals("p_w")).findFirst().orElseThrow();
            assertThat(JSON.readTree(winner.view).path("version").asLong()).as("two events and the merged one").isEqualTo(3);
        }
    }

    @Test
    void timersFireOnTheWatermarkAndThePublishedProfileIsCheckedThere() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement1(view("p_1", "u-1", "m-1", T0), T0.toEpochMilli());
            h.processBothWatermarks(new Watermark(T0.plusSeconds(3600L * 24 * 40).toEpochMilli()));
            assertThat(h.numEventTimeTimers()).isLessThanOrEqualTo(1);
            h.prepareSnapshotPreBarrier(1);
            assertThat(profiles(h)).hasSize(1);
        }
    }

    // ---- helpers ----

    private static KeyedTwoInputStreamOperatorTestHarness<String, Instruction, Transfer, ProfileRecord> harness()
            throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(new ProfileFolding(null), i -> i.target, t -> t.winner,
                Types.STRING);
    }

    private static Instruction view(String profileId, String userId, String messageId, Instant at) {
        byte[] event = EventBinary.encode(EventCodec.decode(("{\"type\":\"track\",\"event\":\"Product Viewed\","
                + "\"messageId\":\"" + messageId + "\",\"userId\":\"" + userId + "\",\"timestamp\":\"" + at
                + "\",\"properties\":{\"product_id\":\"p-1\",\"category\":\"Books\",\"price\":12.5}}")
                .getBytes(StandardCharsets.UTF_8)));
        byte[] ids = AttachedIdentifiers.encode(T0.toEpochMilli(),
                List.of(new AttachedIdentifier(new Identifier("user_id", userId), T0.toEpochMilli())));
        return Instruction.apply(profileId, event, ids, at.toEpochMilli());
    }

    private static List<ProfileRecord> profiles(KeyedTwoInputStreamOperatorTestHarness<String, Instruction, Transfer,
            ProfileRecord> h) {
        List<ProfileRecord> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof ProfileRecord p) {
                out.add(p);
            }
        }
        return out;
    }
}
