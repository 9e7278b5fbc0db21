package dev.portrait.core.identity;

import java.util.List;

/**
 * What {@link IdentityGraph#resolve} decided for one event.
 *
 * @param profileId the profile the event belongs to; {@code null} only when the event carried no usable
 *                  identifier (then {@code notices} says why, and the runtime quarantines the event)
 * @param created   whether that profile was created by this event
 * @param merges    profiles folded into {@code profileId} by this event, in the order they were applied
 *                  (the profile updater folds their feature states the same way)
 * @param attached  identifiers newly attached to {@code profileId} (identifiers moved by a merge are in
 *                  {@code merges}, not here)
 * @param notices   what was declined and why
 */
public record Resolution(String profileId, boolean created, List<IdentityMerge> merges, List<Identifier> attached,
                         List<IdentityNotice> notices) {
    public Resolution {
        merges = List.copyOf(merges);
        attached = List.copyOf(attached);
        notices = List.copyOf(notices);
        if (profileId != null && profileId.isEmpty()) {
            throw new IllegalArgumentException("profileId must be null or a profile id, got \"\"");
        }
        if (profileId == null && (created || !merges.isEmpty() || !attached.isEmpty())) {
            throw new IllegalArgumentException("an unattributed event cannot create, merge or attach anything");
        }
        for (IdentityMerge m : merges) {
            if (!m.winner().equals(profileId)) {
                throw new IllegalArgumentException("merge into " + m.winner() + " does not end in profile " + profileId);
            }
        }
    }

    /** Whether the event belongs to a profile. */
    public boolean identified() {
        return profileId != null;
    }
}
