package dev.portrait.core.identity;

import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;

/** The in-memory store's identities pass the core's contract too. */
class InMemoryStoreIdentityStoreTest extends IdentityStoreContractTest {
    @Override
    protected IdentityStore newStore() {
        return PortraitStore.inMemory(StoreOptions.defaults()).identities();
    }
}
