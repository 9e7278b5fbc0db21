package dev.portrait.store;

class InMemoryEventLogTest extends EventLogContractTest {
    @Override
    protected PortraitStore newStore(StoreOptions options) {
        return PortraitStore.inMemory(options);
    }
}
