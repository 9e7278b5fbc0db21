package dev.portrait.server.runtime;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared models lose nothing in a crash: a run whose write-backs stop part-way (the process dies
 * with events logged but not written back), recovered from its data directory and fed the rest, ends
 * with the same model checkpoint — and the same profiles — as a run that never crashed.
 */
class ModelsAcrossACrashTest {
    private static final ProfileDefinition DEFINITION = DefinitionLoader.defaultEcommerce();
    /** Short write-back intervals, so that several commit before the crash. */
    private static final RuntimeOptions OPTIONS = new RuntimeOptions(10_000, Duration.ofMillis(20), 700, 300, 1_000_000,
            Duration.ofMinutes(1));

    @TempDir
    Path dir;

    private static Map<String, byte[]> profiles(PortraitStore store) {
        Map<String, byte[]> out = new TreeMap<>();
        String after = null;
        List<String> ids;
        while (!(ids = store.profiles().ids(after, 1000)).isEmpty()) {
            for (String id : ids) {
                out.put(id, store.profiles().get(id));
            }
            after = ids.get(ids.size() - 1);
        }
        return out;
    }

    private static void copyKeysets(Path from, Path to) {
        try {
            java.nio.file.Files.createDirectories(to.resolve("keysets"));
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(from.resolve("keysets"))) {
                for (Path f : files.toList()) {
                    java.nio.file.Files.copy(f, to.resolve("keysets").resolve(f.getFileName()));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void sharedModelsAfterACrashAndRecoveryEqualAnUncrashedRun() {
        long seed = 424242L;
        List<SyntheticTraffic.Batch> batches = SyntheticTraffic.batches(seed, 300, 14_000, 200);
        // before every event: no timer fires, so both runs see exactly the same steps
        Clock clock = Clock.fixed(SyntheticTraffic.start(seed), ZoneOffset.UTC);

        PortraitStore whole = PortraitStore.open(dir.resolve("whole"), StoreOptions.defaults());
        EmbeddedRuntime uncrashed = EmbeddedRuntime.start(whole, DEFINITION, clock, OPTIONS, IngestCounters.NONE);
        batches.forEach(b -> uncrashed.ingest(b.events()));
        uncrashed.close();
        byte[] expectedModels = whole.modelState();
        assertThat(expectedModels).isNotNull();
        Map<String, byte[]> expectedProfiles = profiles(whole);
        long logged = whole.events().lastSequence();
        whole.close();

        // The same keysets, so the same profile-id secret: the two runs must name profiles alike to compare.
        Path crashedDir = dir.resolve("crashed");
        copyKeysets(dir.resolve("whole"), crashedDir);
        CrashingStore dying = new CrashingStore(PortraitStore.open(crashedDir, StoreOptions.defaults()));
        EmbeddedRuntime first = EmbeddedRuntime.start(dying, DEFINITION, clock, OPTIONS, IngestCounters.NONE);
        int crashAt = batches.size() / 2;
        for (int i = 0; i < crashAt; i++) {
            first.ingest(batches.get(i).events());
        }
        dying.crash(); // from here the log takes events but nothing derived from them is committed
        for (int i = crashAt; i < crashAt + 8; i++) {
            first.ingest(batches.get(i).events());
        }
        try {
            first.close();
        } catch (RuntimeException expected) {
            // the last write-back fails, as the process would have died before it
        }
        long writtenBack = dying.profiles().appliedSequence();
        long loggedBeforeCrash = dying.events().lastSequence();
        dying.close();
        assertThat(writtenBack).as("seed %d: some write-backs committed before the crash", seed).isPositive();
        assertThat(loggedBeforeCrash - writtenBack).as("seed %d: events logged but not written back", seed)
                .isGreaterThan(1_000);

        PortraitStore reopened = PortraitStore.open(crashedDir, StoreOptions.defaults());
        EmbeddedRuntime second = EmbeddedRuntime.start(reopened, DEFINITION, clock, OPTIONS, IngestCounters.NONE);
        assertThat(second.recoveredEvents()).isEqualTo(loggedBeforeCrash - writtenBack);
        batches.forEach(b -> second.ingest(b.events())); // a client retrying: what the log holds is a duplicate
        second.close();

        assertThat(reopened.events().lastSequence()).isEqualTo(logged);
        assertThat(reopened.modelState()).as("seed %d: the models' checkpoint", seed).isEqualTo(expectedModels);
        Map<String, byte[]> recovered = profiles(reopened);
        assertThat(recovered.keySet()).isEqualTo(expectedProfiles.keySet());
        recovered.forEach((id, bytes) -> assertThat(bytes).as("seed %d: profile %s", seed, id).isEqualTo(expectedProfiles.get(id)));
        reopened.close();
    }
}
