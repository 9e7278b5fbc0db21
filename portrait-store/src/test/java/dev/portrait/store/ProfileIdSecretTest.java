package dev.portrait.store;

import dev.portrait.core.identity.Identifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The profile id secret lives with the store's keysets: stable across reopening, different per store. */
class ProfileIdSecretTest {
    private static final Identifier ADA = new Identifier("user_id", "ada");

    @TempDir
    Path dir;

    @Test
    void aReopenedStoreNamesAPersonAsBeforeAndAnotherStoreNamesThemOtherwise() {
        String first;
        try (PortraitStore store = PortraitStore.open(dir.resolve("one"), StoreOptions.defaults())) {
            first = store.profileIdKey().profileId(ADA);
        }
        try (PortraitStore again = PortraitStore.open(dir.resolve("one"), StoreOptions.defaults());
             PortraitStore other = PortraitStore.open(dir.resolve("two"), StoreOptions.defaults())) {
            assertThat(again.profileIdKey().profileId(ADA)).isEqualTo(first);
            assertThat(other.profileIdKey().profileId(ADA)).isNotEqualTo(first);
        }
    }

    @Test
    void aStoreNamesPeopleUnderItsOwnSecretNotThePublicTestKey() {
        try (PortraitStore store = PortraitStore.inMemory(StoreOptions.defaults())) {
            MiniPipeline pipeline = new MiniPipeline(store);
            String id = pipeline.graph.resolve(TestEvents.track("m1", "ada", null, "Product Viewed", 1_000L)).profileId();
            assertThat(id).isEqualTo(store.profileIdKey().profileId(ADA))
                    .isNotEqualTo(dev.portrait.core.identity.ProfileIdKey.publicTestKey().profileId(ADA));
        }
    }
}
