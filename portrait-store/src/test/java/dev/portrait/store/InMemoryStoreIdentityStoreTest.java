package dev.portrait.store;

import dev.portrait.core.identity.IdentityStore;
import dev.portrait.core.identity.IdentityStoreContractTest;

/** The in-memory store's identities pass the core's contract too. */
class InMemoryStoreIdentityStoreTest extends IdentityStoreContractTest {
    @Override
    protected IdentityStore newStore() {
        return PortraitStore.inMemory(StoreOptions.defaults()).identities();
    }
}
