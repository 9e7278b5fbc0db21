package dev.portrait.store;

class InMemoryChangelogTest extends ChangelogContractTest {
    @Override
    protected PortraitStore newStore(StoreOptions options) {
        return PortraitStore.inMemory(options);
    }
}
