package dev.portrait.store;

import java.nio.file.Path;

/** Fresh RocksDB stores under a test's temporary directory, one subdirectory each. */
final class RocksStores {
    private final Path root;
    private int next;

    RocksStores(Path root) {
        this.root = root;
    }

    PortraitStore fresh(StoreOptions options) {
        return PortraitStore.open(root.resolve("store-" + next++), options);
    }
}
