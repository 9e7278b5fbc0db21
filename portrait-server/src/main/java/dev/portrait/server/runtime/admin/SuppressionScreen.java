package dev.portrait.server.runtime.admin;

import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.identity.EventIdentifiers;
import dev.portrait.core.identity.Identifier;
import dev.portrait.store.Suppressions;

import java.util.function.UnaryOperator;

/**
 * Holds back the events of forgotten people: an accepted event that carries an identifier on the
 * store's {@link Suppressions} list is quarantined as {@code suppressed} instead of recreating the
 * person. Runs on the ingest threads after cleaning; with an empty list it costs one size check.
 */
public final class SuppressionScreen implements UnaryOperator<CleanResult> {
    /** The quarantine code (a runtime's own code: the cleaner never makes it). */
    public static final String SUPPRESSED = "suppressed";
    private final EventIdentifiers identifiers;
    private final Suppressions suppressions;

    public SuppressionScreen(ProfileDefinition definition, Suppressions suppressions) {
        this.identifiers = new EventIdentifiers(definition.identity());
        this.suppressions = suppressions;
    }

    @Override
    public CleanResult apply(CleanResult verdict) {
        if (!(verdict instanceof CleanResult.Accepted a) || suppressions.size() == 0) {
            return verdict;
        }
        for (Identifier id : identifiers.of(a.event())) {
            if (suppressions.suppressed(id)) {
                return new CleanResult.Rejected(SUPPRESSED, "the person holding this " + id.type() + " was forgotten;"
                        + " their events are held back until an admin lifts the suppression"
                        + " (DELETE /v1/suppressions/" + id.type() + "/{id})", null);
            }
        }
        return verdict;
    }
}
