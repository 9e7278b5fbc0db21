package dev.portrait.core.engine;

import dev.portrait.core.definition.IdentityRule;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.Event;
import dev.portrait.core.feature.Feature;
import dev.portrait.core.feature.Ties;
import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.identity.IdentityStore;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileUpdater;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keeps a person's ties to one counterpart under one key when identity finds that several
 * identifiers name that counterpart.
 *
 * <p>Relation features key ties by a value of one identifier type ({@code user_id:bob} is kept as
 * {@code bob}). Identity may later put two values of that type in one profile (two emails of one
 * person, two anonymous ids that a login joined); from then on ties to either are ties to one person.
 * Rewriting every profile that holds such a tie at the moment of the merge would need an index from
 * counterparts to the profiles that name them, and would make one event change profiles other than
 * its own, which a per-person replay could not reproduce. So ties move <b>when touched</b>: before an
 * event that names counterpart {@code c} is folded, the engine asks the identity port which profile
 * holds {@code c} and which other values of the type that profile holds, and unites the ties to those
 * values under {@code c}. A person who is never named again keeps the split ties; the key is the
 * identifier the person was last reached by.
 *
 * <p>A type with {@code maxPerProfile: 1} (the usual {@code user_id}) can never give one person two
 * values, so its features cost no lookup at all; nor does a type no identity rule declares. The
 * lookups only read the store, and read values other than the event's own, so they do not disturb the
 * graph's "all reads before writes" batching of this event's resolution.
 *
 * <p>Only {@link ProfileEngine#apply}, which holds the identity port, does this; folding a profile
 * whose identity was resolved elsewhere (the Flink operator, a per-person replay) keeps keys as the
 * events wrote them.
 */
final class CounterpartIdentities {
    private record Watched(int index, Feature<?> feature, Ties ties) {
    }

    private final List<Watched> watched = new ArrayList<>();

    CounterpartIdentities(ProfileDefinition definition) {
        List<Feature<?>> features = definition.features();
        for (int i = 0; i < features.size(); i++) {
            if (features.get(i) instanceof Ties ties && canHoldSeveral(definition, ties.identifierType())) {
                watched.add(new Watched(i, features.get(i), ties));
            }
        }
    }

    private static boolean canHoldSeveral(ProfileDefinition definition, String type) {
        for (IdentityRule rule : definition.identity()) {
            if (rule.type().equals(type)) {
                return rule.maxPerProfile() > 1;
            }
        }
        return false;
    }

    /** Whether any relation feature needs lookups at all. */
    boolean any() {
        return !watched.isEmpty();
    }

    /** Unites the profile's ties to every counterpart this event names with that counterpart's other identifiers. */
    void uniteNamed(Profile profile, Event event, IdentityStore identities, ProfileUpdater updater) {
        for (Watched w : watched) {
            if (!w.feature().events().contains(event.key())) {
                continue;
            }
            String type = w.ties().identifierType();
            for (String counterpart : w.ties().counterparts(event)) {
                Optional<String> holder = identities.profileOf(new Identifier(type, counterpart));
                if (holder.isEmpty()) {
                    continue;
                }
                List<String> aliases = new ArrayList<>();
                for (AttachedIdentifier a : identities.identifiersOf(holder.get())) {
                    if (a.identifier().type().equals(type) && !a.identifier().value().equals(counterpart)) {
                        aliases.add(a.identifier().value());
                    }
                }
                if (!aliases.isEmpty()) {
                    updater.uniteTies(profile, w.index(), counterpart, aliases);
                }
            }
        }
    }
}
