package dev.portrait.core.segment;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventType;
import dev.portrait.core.profile.Profile;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A person's saved-audience transitions along a replayed history: saved, moved by events, deleted. */
class SavedAudienceTimelineTest {
    private static final ProfileDefinition DEF = DefinitionLoader.defaultEcommerce();
    private static final ProfileEngine ENGINE = new ProfileEngine(DEF);
    private static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
    private static final long SAVED_AT = T0 + 500_000;
    private static final long DELETED_AT = T0 + 900_000;

    private static Event identify(String id, String country, long at) {
        return new Event(EventType.IDENTIFY, id, "u1", null, null, null, null, null, Map.of(), Map.of("country", country),
                Map.of(), Instant.ofEpochMilli(at), null, null, null, Map.of());
    }

    /** "germans": everyone whose country is DE, saved after log position 2 and deleted after position 4. */
    private static SavedAudiences germans() {
        return SavedAudiences.none(ENGINE.updater().segments())
                .saving("germans", new AudienceSpec(null, null, null, "traits.country == 'DE'"), 2, SAVED_AT)
                .deleting("germans", 4, DELETED_AT);
    }

    private static String shown(SegmentTransition t) {
        return (t.entered() ? "entered " : "left ") + t.segment() + " at " + (t.time() - T0) + " by " + t.cause();
    }

    /** Replays events at log positions 1, 2, … through the timeline, as ChangeReplay does with a history. */
    private static List<String> replay(SavedAudiences audiences, List<Event> events) {
        SavedAudienceTimeline timeline = new SavedAudienceTimeline(audiences);
        List<String> out = new ArrayList<>();
        Profile p = null;
        long position = 0;
        for (Event e : events) {
            position++;
            Profile before = p;
            timeline.beforeEntry(p, position, now -> ENGINE.updater().inputs(before, now)).forEach(t -> out.add(shown(t)));
            if (p == null) {
                p = ENGINE.newProfile("p1");
            }
            ENGINE.fold(p, e);
            timeline.afterStep(p, ENGINE.updater().inputs(p, p.clock()), e.time(), e.messageId())
                    .forEach(t -> out.add(shown(t)));
        }
        Profile last = p;
        timeline.atEnd(p, now -> ENGINE.updater().inputs(last, now)).forEach(t -> out.add(shown(t)));
        return out;
    }

    @Test
    void aPersonWhoMatchedWhenItWasSavedEntersAtTheSaveThenMovesWithEventsAndLeavesAtTheDeletion() {
        List<String> seen = replay(germans(), List.of(identify("m1", "DE", T0), identify("m2", "DE", T0 + 1_000),
                identify("m3", "FR", T0 + 600_000), identify("m4", "DE", T0 + 700_000), identify("m5", "DE", T0 + 950_000)));
        assertThat(seen).containsExactly("entered germans at 500000 by saved", "left germans at 600000 by m3",
                "entered germans at 700000 by m4", "left germans at 900000 by deleted");
    }

    @Test
    void eventsFoldedBeforeTheSaveMoveNobodyAndAHistoryEndingBeforeItStillEntersAtTheSave() {
        assertThat(replay(germans(), List.of(identify("m1", "FR", T0), identify("m2", "DE", T0 + 1_000))))
                .containsExactly("entered germans at 500000 by saved", "left germans at 900000 by deleted");
        // never matching: nothing at all
        assertThat(replay(germans(), List.of(identify("m1", "FR", T0), identify("m2", "FR", T0 + 1_000),
                identify("m3", "US", T0 + 600_000)))).isEmpty();
    }

    @Test
    void aPersonCreatedAfterTheSaveEntersWithTheirOwnEvent() {
        SavedAudiences live = SavedAudiences.none(ENGINE.updater().segments())
                .saving("germans", new AudienceSpec(null, null, null, "traits.country == 'DE'"), 0, SAVED_AT);
        assertThat(replay(live, List.of(identify("m1", "DE", T0 + 600_000))))
                .containsExactly("entered germans at 600000 by m1");
    }
}
