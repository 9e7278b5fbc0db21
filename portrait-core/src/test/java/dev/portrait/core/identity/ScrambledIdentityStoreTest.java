package dev.portrait.core.identity;

/** The test double used to prove store independence keeps the store contract too. */
class ScrambledIdentityStoreTest extends IdentityStoreContractTest {
    @Override
    protected IdentityStore newStore() {
        return new ScrambledIdentityStore();
    }
}
