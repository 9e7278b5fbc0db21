package dev.portrait.store;

class InMemoryProfileHistoryTest extends ProfileHistoryContractTest {
    @Override
    protected PortraitStore newStore(StoreOptions options) {
        return PortraitStore.inMemory(options);
    }
}
