package dev.portrait.core.account;

import java.util.Map;
import java.util.Objects;

/**
 * What one engine step tells the accounts: a person joined a group, a member was active (with the
 * revenue the event carried), a member's profile merged into another, a member was forgotten. The
 * engine derives these from the person's profile (its {@code memberships} feature) and the event;
 * {@link Accounts} applies them in step order, so replaying the log rebuilds every account.
 */
public sealed interface AccountUpdate {
    /** The group (account) the update is for. */
    String groupId();

    /**
     * A group call: {@code member} belongs to {@code groupId}; the call's traits are the group's.
     *
     * @param time the call's event time (epoch ms)
     */
    record Joined(String groupId, String member, Map<String, Object> traits, long time) implements AccountUpdate {
        public Joined {
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(member, "member");
            traits = Map.copyOf(withoutNulls(traits));
        }

        private static Map<String, Object> withoutNulls(Map<String, Object> traits) {
            Map<String, Object> out = new java.util.HashMap<>();
            traits.forEach((k, v) -> {
                if (v != null) {
                    out.put(k, v);
                }
            });
            return out;
        }
    }

    /**
     * An event of a member, folded into their profile.
     *
     * @param revenue the amount it adds to the account's revenue (0 for events that are not revenue)
     */
    record Active(String groupId, String member, long time, double revenue) implements AccountUpdate {
        public Active {
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(member, "member");
            if (!Double.isFinite(revenue)) {
                throw new IllegalArgumentException("revenue of " + member + " in " + groupId + " is " + revenue);
            }
        }
    }

    /** Identity merged member {@code from} into {@code to}: one person, one member. */
    record Moved(String groupId, String from, String to) implements AccountUpdate {
        public Moved {
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }
    }

    /** The member was forgotten: the account no longer names them (its sums keep what they added). */
    record Left(String groupId, String member) implements AccountUpdate {
        public Left {
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(member, "member");
        }
    }
}
