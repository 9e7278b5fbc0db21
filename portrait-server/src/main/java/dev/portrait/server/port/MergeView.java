package dev.portrait.server.port;

import java.time.Instant;
import java.util.List;

/**
 * One merge a profile won, as its merge log keeps it: the profile that was folded in (whose id is the
 * merge's id), the identifiers that came with it, when and by which event. Only the latest merge can
 * be reversed ({@code reversible}); earlier ones after the later ones, newest first.
 *
 * @param mergeId        the loser's profile id, which names the merge in {@code …/merges/{mergeId}/reverse}
 * @param identifiers    the identifiers that moved, as {@code type → value} pairs in attachment order
 * @param mergedAt       the event time of the event that caused it
 * @param causeMessageId that event's messageId
 * @param reversible     whether it is the latest, so {@code reverse} may undo it now
 */
public record MergeView(String mergeId, List<Identity> identifiers, Instant mergedAt, String causeMessageId,
                        boolean reversible) {
    public MergeView {
        identifiers = List.copyOf(identifiers);
    }

    /** An identifier that moved with the loser. */
    public record Identity(String type, String value) {
    }
}
