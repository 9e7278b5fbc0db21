package dev.portrait.synth;

import dev.portrait.core.clean.BoundedDeduplicator;
import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.EngineStep;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.engine.ProfileTable;
import dev.portrait.core.event.Event;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileCodec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole core as a runtime drives it, over the synthetic stream: clean → dedup → identity →
 * fold. Checks DESIGN's invariants 1 and 4 at the core's level: a replay is byte-identical, and
 * every event is applied, counted as a duplicate, or rejected with the reason its flaw implies.
 *
 * <p>It lives beside the generator, not in portrait-core, because the core cannot depend on the module
 * that depends on it; it reaches the core only through its public API, as a runtime does.
 */
class CorePipelineTest {
    private static final ProfileDefinition DEFINITION = DefinitionLoader.defaultEcommerce();

    record Outcome(Map<String, byte[]> profiles, long applied, long duplicates, long rejected, long merges,
                   long unattributed) {
    }

    private static Outcome run(long seed, int events) {
        Cleaner cleaner = new Cleaner(DEFINITION);
        ProfileEngine engine = new ProfileEngine(DEFINITION);
        ProfileCodec codec = engine.codec();
        BoundedDeduplicator dedup = new BoundedDeduplicator(1_000_000, Duration.ofDays(7));
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        Map<String, Profile> profiles = new TreeMap<>();
        ProfileTable table = ProfileTable.inMemory(profiles);
        long applied = 0;
        long duplicates = 0;
        long rejected = 0;
        long merges = 0;
        long unattributed = 0;
        SyntheticStream stream = SyntheticStream.of(SyntheticConfig.defaults(seed).withUsers(2_000)).limit(events);
        while (stream.hasNext()) {
            SyntheticEvent s = stream.next();
            CleanResult r = cleaner.clean(s.json(), stream.clock());
            if (r instanceof CleanResult.Rejected rejection) {
                assertThat(s.flaw()).as("seed=%d a clean event was rejected: %s", seed, rejection).isEqualTo(Flaw.MALFORMED);
                assertThat(rejection.code()).as("seed=%d %s", seed, s.json()).isEqualTo(s.expectedCode());
                rejected++;
                continue;
            }
            assertThat(s.flaw()).as("seed=%d a malformed event was accepted: %s", seed, s.json()).isNotEqualTo(Flaw.MALFORMED);
            Event e = ((CleanResult.Accepted) r).event();
            if (!dedup.firstSeen(e.messageId(), e.time())) {
                assertThat(s.flaw()).as("seed=%d", seed).isEqualTo(Flaw.DUPLICATE);
                duplicates++;
                continue;
            }
            assertThat(s.flaw()).as("seed=%d a duplicate passed dedup", seed).isEqualTo(Flaw.NONE);
            EngineStep step = engine.apply(e, identities, table);
            if (step.profileId() == null) {
                unattributed++;
                continue;
            }
            merges += step.resolution().merges().size();
            applied++;
        }
        Map<String, byte[]> bytes = new TreeMap<>();
        profiles.forEach((id, p) -> bytes.put(id, codec.encode(p)));
        return new Outcome(bytes, applied, duplicates, rejected, merges, unattributed);
    }

    @Test
    void everyEventIsAppliedCountedAsADuplicateOrRejectedForItsFlaw() {
        Outcome o = run(7, 30_000);
        assertThat(o.applied() + o.duplicates() + o.rejected() + o.unattributed()).isEqualTo(30_000);
        assertThat(o.unattributed()).isZero();
        assertThat(o.duplicates()).isGreaterThan(50);
        assertThat(o.rejected()).isGreaterThan(50);
        assertThat(o.merges()).as("anonymous browsing that later identifies merges profiles").isGreaterThan(10);
        long versions = 0;
        ProfileCodec codec = new ProfileEngine(DEFINITION).codec();
        for (byte[] b : o.profiles().values()) {
            versions += codec.decode(b).version();
        }
        assertThat(versions).as("events plus merges folded into the surviving profiles")
                .isEqualTo(o.applied());
    }

    @Test
    void replayingTheSameStreamGivesByteIdenticalProfiles() {
        Outcome first = run(11, 15_000);
        Outcome second = run(11, 15_000);
        assertThat(second.profiles().keySet()).isEqualTo(first.profiles().keySet());
        first.profiles().forEach((id, bytes) -> assertThat(second.profiles().get(id)).as(id).isEqualTo(bytes));
    }
}
