package dev.portrait.core.identity;

import java.util.Comparator;
import java.util.Objects;

/**
 * An identifier as a profile holds it: with the event time at which it was first attached. The time
 * survives merges and their reversal, because the per-window cap counts attachments by it.
 *
 * @param identifier the identifier
 * @param attachedAt event time (epoch ms) of the event that first attached it
 */
public record AttachedIdentifier(Identifier identifier, long attachedAt) {
    /** Attachment time, then identifier: a total order that does not depend on any store. */
    static final Comparator<AttachedIdentifier> ORDER = Comparator.comparingLong(AttachedIdentifier::attachedAt)
            .thenComparing(AttachedIdentifier::identifier);

    public AttachedIdentifier {
        Objects.requireNonNull(identifier, "identifier");
    }
}
