package dev.portrait.core.account;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An account as read at a time: its own traits (from group calls, latest by event time), its
 * aggregates over its members, and the account segments it is in.
 *
 * @param groupId        the group's id, as group calls name it
 * @param traits         the group's traits
 * @param members        the people who belong to it (after merges: one person, one member)
 * @param activeMembers  members with an event within the definition's {@code activeWindow}
 * @param revenue        revenue of its members' revenue events over the {@code revenueWindow}
 * @param membersOverCap joins refused because the account already had {@code maxMembers} members
 * @param segments       the account segments it is in, in definition order
 * @param updatedAt      the latest event time folded in (epoch ms)
 * @param readAt         the time the windows were read at (epoch ms)
 */
public record AccountView(String groupId, Map<String, Object> traits, int members, int activeMembers, double revenue,
                          long membersOverCap, List<String> segments, long updatedAt, long readAt) {
    public AccountView {
        Objects.requireNonNull(groupId, "groupId");
        traits = Map.copyOf(traits);
        segments = List.copyOf(segments);
    }
}
