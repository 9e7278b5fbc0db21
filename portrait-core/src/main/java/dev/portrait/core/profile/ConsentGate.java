package dev.portrait.core.profile;

import dev.portrait.core.definition.Purposes;
import dev.portrait.core.event.Event;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Consent in the fold: which purposes a person has withheld, read from and kept in the profile.
 *
 * <p>An event's Segment consent object, {@code context.consent.categoryPreferences} (category → true or
 * false), sets the person's consent to every purpose whose categories it mentions: granted when each
 * mentioned category is true. It is kept as a trait {@code consent.<purpose>} (a boolean with the
 * event's source and time: its provenance), newest event time winning and, at equal times, the refusal;
 * the {@code consent.} prefix is reserved, so an identify call's own traits cannot set it. A purpose
 * nobody has spoken about has its declared default.
 *
 * <p>Everything here is a function of the events folded so far, so a replay gives the same consent and
 * the same gated features.
 */
final class ConsentGate {
    private final List<Purposes.Purpose> purposes;
    private final String[] traitNames;
    private final long defaultDenied;
    private final long[] featureMasks;
    private final Map<String, Long> traitMasks = new HashMap<>();
    private final long modelMask;

    ConsentGate(Purposes declared, List<String> featureNames) {
        this.purposes = List.copyOf(declared.declared().values());
        this.traitNames = new String[purposes.size()];
        long denied = 0;
        for (int i = 0; i < purposes.size(); i++) {
            traitNames[i] = Purposes.CONSENT_TRAIT_PREFIX + purposes.get(i).name();
            if (!purposes.get(i).granted()) {
                denied |= 1L << i;
            }
        }
        this.defaultDenied = denied;
        this.featureMasks = new long[featureNames.size()];
        for (int f = 0; f < featureNames.size(); f++) {
            featureMasks[f] = mask(declared.features().getOrDefault(featureNames.get(f), Set.of()));
        }
        declared.traits().forEach((name, set) -> traitMasks.put(name, mask(set)));
        this.modelMask = mask(declared.models());
    }

    long modelMask() {
        return modelMask;
    }

    private long mask(Set<String> names) {
        long m = 0;
        for (int i = 0; i < purposes.size(); i++) {
            if (names.contains(purposes.get(i).name())) {
                m |= 1L << i;
            }
        }
        return m;
    }

    boolean any() {
        return !purposes.isEmpty();
    }

    /** The purposes (bits) the person withholds now. */
    long denied(Profile p) {
        long denied = defaultDenied;
        for (int i = 0; i < traitNames.length; i++) {
            TraitValue v = p.traits.get(traitNames[i]);
            if (v != null) {
                denied = Boolean.TRUE.equals(v.value()) ? denied & ~(1L << i) : denied | (1L << i);
            }
        }
        return denied;
    }

    long featureMask(int feature) {
        return featureMasks[feature];
    }

    long traitMask(String trait) {
        Long m = traitMasks.get(trait);
        return m == null ? 0 : m;
    }

    /** Whether a trait name belongs to consent (set only here, never by an event's traits). */
    static boolean reserved(String trait) {
        return trait.startsWith(Purposes.CONSENT_TRAIT_PREFIX);
    }

    /** Applies the event's consent preferences to the profile, recording changed consent traits. */
    void apply(Profile p, Event event, String source, List<Change> changes) {
        Map<?, ?> preferences = preferences(event);
        if (preferences == null || preferences.isEmpty()) {
            return;
        }
        for (int i = 0; i < purposes.size(); i++) {
            Boolean granted = null;
            for (String category : purposes.get(i).categories()) {
                Object v = preferences.get(category);
                if (v instanceof Boolean b) {
                    granted = (granted == null || granted) && b;
                }
            }
            if (granted == null) {
                continue; // this event says nothing about the purpose
            }
            TraitValue current = p.traits.get(traitNames[i]);
            TraitValue candidate = new TraitValue(granted, source, event.time());
            boolean newer = current == null || event.time() > current.time()
                    || (event.time() == current.time() && !granted && Boolean.TRUE.equals(current.value()));
            if (newer && (current == null || !current.equals(candidate))) {
                p.traits.put(traitNames[i], candidate);
                if (changes != null && (current == null || !current.value().equals(granted))) {
                    changes.add(new Change("traits." + traitNames[i], current == null ? null : current.value(), granted,
                            event.messageId()));
                }
            }
        }
    }

    private static Map<?, ?> preferences(Event event) {
        return event.context().get("consent") instanceof Map<?, ?> consent
                && consent.get("categoryPreferences") instanceof Map<?, ?> m ? m : null;
    }
}
