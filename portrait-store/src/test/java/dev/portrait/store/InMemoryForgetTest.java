package dev.portrait.store;

class InMemoryForgetTest extends ForgetContractTest {
    @Override
    protected PortraitStore newStore(StoreOptions options) {
        return PortraitStore.inMemory(options);
    }
}
