package dev.portrait.core.engine;

import dev.portrait.core.account.AccountUpdate;
import dev.portrait.core.definition.AccountSpecs;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventType;
import dev.portrait.core.feature.Feature;
import dev.portrait.core.feature.Memberships;
import dev.portrait.core.model.ModelUpdate;
import dev.portrait.core.profile.Profile;

import java.util.List;

/**
 * Derives what the accounts learn from a step, from the person's profile alone: the groups its
 * {@code memberships} feature holds (see {@link dev.portrait.core.account.Accounts} for the rule).
 * A profile with no groups costs one size check per event.
 */
final class AccountFeed {
    private final AccountSpecs spec;
    private final Feature<?> membership;
    private final int index;

    AccountFeed(ProfileDefinition definition) {
        this.spec = definition.accounts();
        this.index = spec.declared() ? definition.featureIndex(spec.membership()) : -1;
        this.membership = index < 0 ? null : definition.features().get(index);
    }

    boolean any() {
        return membership != null;
    }

    /** After an event was folded into {@code p} (which now holds the group of a group call). */
    void folded(Profile p, Event event, List<ModelUpdate> out) {
        if (Memberships.none(p.state(index))) {
            return;
        }
        List<String> groups = Memberships.groups(membership, p.state(index));
        if (groups.isEmpty()) {
            return;
        }
        long t = event.time();
        String joined = event.type() == EventType.GROUP ? event.groupId() : null;
        if (joined != null) {
            out.add(new ModelUpdate.ForAccount(new AccountUpdate.Joined(joined, p.profileId(), event.traits(), t)));
        }
        double revenue = revenue(event);
        for (String g : groups) {
            if (!g.equals(joined)) {
                out.add(new ModelUpdate.ForAccount(new AccountUpdate.Active(g, p.profileId(), t, revenue)));
            }
        }
    }

    private double revenue(Event event) {
        if (!spec.revenueEvents().contains(event.key())) {
            return 0;
        }
        Object v = event.properties().get(spec.revenueProperty());
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        return 0;
    }

    /** Before {@code loser} is merged into {@code winner}: the loser's accounts now name the winner. */
    void merging(Profile winner, Profile loser, List<ModelUpdate> out) {
        for (String g : Memberships.groups(membership, loser.state(index))) {
            out.add(new ModelUpdate.ForAccount(new AccountUpdate.Moved(g, loser.profileId(), winner.profileId())));
        }
    }

    /** A forgotten person leaves every account they were in. */
    void forgotten(Profile p, List<ModelUpdate> out) {
        for (String g : Memberships.groups(membership, p.state(index))) {
            out.add(new ModelUpdate.ForAccount(new AccountUpdate.Left(g, p.profileId())));
        }
    }
}
