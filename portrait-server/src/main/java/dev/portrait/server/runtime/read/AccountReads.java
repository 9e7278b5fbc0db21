package dev.portrait.server.runtime.read;

import dev.portrait.core.account.AccountView;
import dev.portrait.core.account.Accounts;
import dev.portrait.server.port.AccountPort;
import dev.portrait.server.runtime.worker.ModelConsumer;
import dev.portrait.server.runtime.worker.ProfileWorker;

import java.time.InstantSource;
import java.util.Optional;

/**
 * Accounts as the models' thread holds them ({@link Accounts} rides with the shared models): a read
 * runs there behind every update handed over so far, so it sees the accounts up to the published
 * position, one queue behind the profiles like every model answer. Windows are read at the wall
 * clock (or the account's latest event, when that is later).
 */
public final class AccountReads implements AccountPort {
    private final ModelConsumer models;
    private final boolean declared;
    private final InstantSource clock;

    public AccountReads(ProfileWorker worker, InstantSource clock) {
        this.models = worker.models();
        this.declared = worker.engine().definition().accounts().declared();
        this.clock = clock;
    }

    @Override
    public boolean keepsAccounts() {
        return declared;
    }

    @Override
    public Optional<AccountView> account(String groupId) {
        if (!declared) {
            return Optional.empty();
        }
        long now = clock.millis();
        return Optional.ofNullable(models.readPublished(shared -> shared.accounts().view(groupId, now)));
    }
}
