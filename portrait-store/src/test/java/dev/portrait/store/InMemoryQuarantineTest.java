package dev.portrait.store;

class InMemoryQuarantineTest extends QuarantineContractTest {
    @Override
    protected PortraitStore newStore(StoreOptions options) {
        return PortraitStore.inMemory(options);
    }
}
