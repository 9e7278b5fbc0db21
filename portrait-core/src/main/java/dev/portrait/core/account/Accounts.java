package dev.portrait.core.account;

import dev.portrait.core.definition.AccountSpecs;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every account's profile, built from the engine's {@link AccountUpdate}s.
 *
 * <p><b>How member events feed an account.</b> A person's profile keeps the groups they belong to (a
 * {@code memberships} feature, folded from Segment's {@code group} calls). For each event folded into
 * a person, the engine lists one {@link AccountUpdate.Active} per group that profile holds after the
 * fold (a group call also lists {@link AccountUpdate.Joined} with the group's traits); a merge lists a
 * {@link AccountUpdate.Moved} for each of the loser's groups, so a person who was two profiles is one
 * member. An account therefore counts what its members do from the time their profile holds the
 * membership, in log order; nothing of a person is read here but their profile id and event times.
 *
 * <p><b>Why beside the shared models and not in a profile.</b> An account's aggregates are over many
 * people, so they belong to no one profile; like item co-occurrence they are state the runtime keeps
 * next to the models, fed in step order, checkpointed at the write-back position and rebuilt by
 * replay. The engine never reads them, so a person's profile never depends on how far behind they are.
 *
 * <p>Not thread-safe: the runtime's models thread owns it.
 */
public final class Accounts {
    private static final int VERSION = 1;

    private final AccountSpecs spec;
    private final AccountSegments segments;
    private final TreeMap<String, Account> byGroup = new TreeMap<>();

    public Accounts(AccountSpecs spec) {
        this.spec = spec;
        this.segments = AccountSegments.compile(spec);
    }

    /** Applies one update. */
    public void absorb(AccountUpdate update) {
        Account a = byGroup.get(update.groupId());
        if (a == null) {
            if (update instanceof AccountUpdate.Moved || update instanceof AccountUpdate.Left) {
                return; // nothing to move or remove: the account never saw the member
            }
            a = new Account();
            byGroup.put(update.groupId(), a);
        }
        a.apply(update, spec);
    }

    /** Applies updates in order. */
    public void absorb(List<AccountUpdate> updates) {
        for (AccountUpdate u : updates) {
            absorb(u);
        }
    }

    /** How many accounts there are. */
    public int size() {
        return byGroup.size();
    }

    /**
     * The account as read at {@code now} (the later of it and the account's own latest event time), or
     * null when no group call named it.
     */
    public AccountView view(String groupId, long now) {
        Account a = byGroup.get(groupId);
        if (a == null) {
            return null;
        }
        long at = Math.max(now, a.clock);
        int members = a.members.size();
        int active = a.activeMembers(at, spec);
        double revenue = a.revenue(at, spec);
        Map<String, Object> traits = a.traits();
        return new AccountView(groupId, traits, members, active, revenue, a.membersOverCap,
                segments.matching(members, active, revenue, traits), a.clock, at);
    }

    /** Whether {@code profileId} is a member of the account (for tests and forgetting checks). */
    public boolean hasMember(String groupId, String profileId) {
        Account a = byGroup.get(groupId);
        return a != null && a.members.containsKey(profileId);
    }

    public void encode(BinaryOut out) {
        out.writeByte(VERSION).writeVarInt(byGroup.size());
        byGroup.forEach((g, a) -> {
            out.writeString(g);
            a.encode(out);
        });
    }

    /** Replaces this state with what {@link #encode} wrote. */
    public void restore(BinaryIn in) {
        in.expectVersion("accounts", VERSION);
        byGroup.clear();
        int n = in.readLength();
        for (int i = 0; i < n; i++) {
            byGroup.put(in.readString(), Account.decode(in));
        }
    }
}
