package dev.portrait.server.runtime.worker;

import dev.portrait.core.PortraitException;
import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.engine.ProfileTable;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.model.ModelUpdate;
import dev.portrait.core.model.SharedModels;
import dev.portrait.synth.SyntheticConfig;
import dev.portrait.synth.SyntheticStream;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The models' own thread: absorbs in step order, checkpoints behind what came before, fails loudly. */
class ModelConsumerTest {
    private static final ProfileDefinition DEFINITION = DefinitionLoader.defaultEcommerce();

    /** Each step's model updates from folding a synthetic stream, in step order. */
    private static List<List<ModelUpdate>> steps(long seed, int events) {
        ProfileEngine engine = new ProfileEngine(DEFINITION);
        Cleaner cleaner = new Cleaner(DEFINITION);
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        ProfileTable table = ProfileTable.inMemory(new HashMap<>());
        SyntheticStream stream = SyntheticStream.of(SyntheticConfig.defaults(seed).withUsers(300));
        List<List<ModelUpdate>> out = new ArrayList<>();
        while (out.size() < events) {
            CleanResult r = cleaner.clean(stream.next().json(), stream.clock());
            if (r instanceof CleanResult.Accepted a) {
                out.add(engine.apply(a.event(), identities, table).modelUpdates());
            }
        }
        return out;
    }

    private static SharedModels fresh() {
        return new ProfileEngine(DEFINITION).sharedModels();
    }

    @Test
    void absorbingOnItsOwnThreadEndsWhereAbsorbingInlineDoes() throws Exception {
        long seed = 20261203L;
        List<List<ModelUpdate>> steps = steps(seed, 6_000);
        SharedModels inline = fresh();
        steps.forEach(inline::absorb);
        ModelConsumer consumer = new ModelConsumer(fresh());
        consumer.start();
        try {
            steps.forEach(consumer::add);
            byte[] checkpoint = consumer.checkpoint().get(30, TimeUnit.SECONDS);

            assertThat(checkpoint).as("seed %d", seed).isEqualTo(inline.encode());
            assertThat(consumer.absorbed()).isEqualTo(steps.stream().mapToLong(List::size).sum()).isPositive();
        } finally {
            consumer.stop();
        }
    }

    @Test
    void aCheckpointHoldsEveryUpdateAddedBeforeItAndNoneAfter() throws Exception {
        long seed = 7L;
        List<List<ModelUpdate>> steps = steps(seed, 3_000);
        List<List<ModelUpdate>> first = steps.subList(0, 1_000);
        SharedModels expected = fresh();
        first.forEach(expected::absorb);
        ModelConsumer consumer = new ModelConsumer(fresh());
        consumer.start();
        try {
            first.forEach(consumer::add);
            var checkpoint = consumer.checkpoint();
            steps.subList(1_000, 3_000).forEach(consumer::add);
            consumer.handOver();

            assertThat(checkpoint.get(30, TimeUnit.SECONDS)).as("seed %d", seed).isEqualTo(expected.encode());
        } finally {
            consumer.stop();
        }
    }

    @Test
    void aRestoredCheckpointResumesWhereItWasTaken() throws Exception {
        List<List<ModelUpdate>> steps = steps(11L, 2_000);
        SharedModels whole = fresh();
        steps.forEach(whole::absorb);
        SharedModels half = fresh();
        steps.subList(0, 1_000).forEach(half::absorb);

        ModelConsumer resumed = new ModelConsumer(fresh());
        resumed.restore(half.encode());
        resumed.start();
        try {
            steps.subList(1_000, 2_000).forEach(resumed::add);
            assertThat(resumed.checkpoint().get(30, TimeUnit.SECONDS)).isEqualTo(whole.encode());
        } finally {
            resumed.stop();
        }
    }

    @Test
    void readsSeeTheUpdatesHandedOverBeforeThem() {
        List<List<ModelUpdate>> steps = steps(3L, 2_000);
        ModelConsumer consumer = new ModelConsumer(fresh());
        consumer.start();
        try {
            steps.forEach(consumer::add);
            consumer.checkpoint(); // a barrier: the read below is answered after it is reached, or between lists before
            consumer.checkpoint().join();
            SharedModels inline = fresh();
            steps.forEach(inline::absorb);

            assertThat(consumer.read(SharedModels::items)).isEqualTo(inline.items()).isPositive();
        } finally {
            consumer.stop();
        }
    }

    @Test
    void aReadBehindSeesEveryUpdateAddedBeforeItEvenOnesNotYetHandedOver() {
        List<List<ModelUpdate>> steps = steps(13L, 1_500);
        SharedModels inline = fresh();
        steps.forEach(inline::absorb);
        ModelConsumer consumer = new ModelConsumer(fresh());
        consumer.start();
        try {
            steps.forEach(consumer::add); // the last, partial list is still being gathered

            var answer = consumer.readBehind(SharedModels::encode);

            assertThat(consumer.await(answer)).isEqualTo(inline.encode());
        } finally {
            consumer.stop();
        }
    }

    @Test
    void aFailingModelFailsItsCheckpointAndEveryLaterHandOver() {
        ModelConsumer consumer = new ModelConsumer(fresh());
        consumer.start();
        List<ModelUpdate> poison = new ArrayList<>();
        poison.add(new ModelUpdate.Labelled(null)); // a propensity example without features throws on the models' thread
        consumer.add(poison);
        var checkpoint = consumer.checkpoint();

        assertThatThrownBy(() -> checkpoint.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 10 * ModelConsumer.BATCH; i++) {
                consumer.add(List.of(new ModelUpdate.SuspectedBots(1)));
            }
        }).isInstanceOf(PortraitException.class).hasMessageContaining("models' thread stopped");
        assertThatThrownBy(() -> consumer.read(SharedModels::items)).isInstanceOf(PortraitException.class);
    }
}
