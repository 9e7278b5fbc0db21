package dev.portrait.store;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class RocksProfileHistoryTest extends ProfileHistoryContractTest {
    @TempDir
    Path dir;
    private RocksStores stores;

    @Override
    protected PortraitStore newStore(StoreOptions options) {
        if (stores == null) {
            stores = new RocksStores(dir);
        }
        return stores.fresh(options);
    }
}
