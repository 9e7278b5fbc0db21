package dev.portrait.store;

class InMemoryProfileStoreTest extends ProfileStoreContractTest {
    @Override
    protected PortraitStore newStore(StoreOptions options) {
        return PortraitStore.inMemory(options);
    }
}
