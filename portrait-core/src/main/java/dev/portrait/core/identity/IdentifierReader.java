package dev.portrait.core.identity;

import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the identifiers of an event, in the order the graph weighs them: rule priority, then rule
 * position, then the event's own fields before an alias's {@code previousId}.
 */
final class IdentifierReader {
    /**
     * Longer values are refused. No real identifier (a UUID, an email of at most 254 characters, a
     * platform user id) comes near it, and the store keys on these values.
     */
    static final int MAX_VALUE_LENGTH = 1024;

    /** Priority, then position in the rule list. */
    static final Comparator<CompiledRule> RULE_ORDER = Comparator.<CompiledRule>comparingInt(r -> r.rule.priority())
            .thenComparingInt(r -> r.index);

    /**
     * @param source 0 for an identifier read by a rule's paths, 1 for an alias's previousId
     */
    record Candidate(Identifier identifier, CompiledRule rule, int source) {
        static final Comparator<Candidate> ORDER = Comparator.comparing(Candidate::rule, RULE_ORDER)
                .thenComparingInt(Candidate::source);
    }

    private final List<CompiledRule> rules;
    /** The rules an alias's previousId is looked up under: the first reading userId, then anonymousId. */
    private final CompiledRule userRule;
    private final CompiledRule anonymousRule;

    IdentifierReader(List<CompiledRule> rules) {
        this.rules = List.copyOf(rules);
        this.userRule = first(rules, "userId");
        this.anonymousRule = first(rules, "anonymousId");
    }

    private static CompiledRule first(List<CompiledRule> rules, String field) {
        return rules.stream().filter(r -> r.readsField(field)).min(RULE_ORDER).orElse(null);
    }

    List<Candidate> read(Event event, IdentityStore store, List<IdentityNotice> notices) {
        List<Candidate> found = new ArrayList<>();
        for (CompiledRule r : rules) {
            CompiledRule.Located at = r.locate(event);
            if (at == null) {
                continue;
            }
            String value = usable(r, at.path(), at.value(), notices);
            if (value != null) {
                found.add(new Candidate(new Identifier(r.type(), value), r, 0));
            }
        }
        if (event.type() == EventType.ALIAS && event.previousId() != null) {
            Candidate previous = previousId(event.previousId(), store, notices);
            if (previous != null) {
                found.add(previous);
            }
        }
        if (found.size() > 1) {
            found.sort(Candidate.ORDER);
            // a handful of candidates: a quadratic scan beats hashing them into a set
            for (int i = found.size() - 1; i > 0; i--) {
                Identifier id = found.get(i).identifier();
                for (int j = 0; j < i; j++) {
                    if (found.get(j).identifier().equals(id)) {
                        found.remove(i);
                        break;
                    }
                }
            }
        }
        return found;
    }

    /**
     * An alias says "previousId and userId are one person". Segment's SDKs send either an older user id
     * or the anonymous id as previousId, and the event does not say which, so the graph asks the store:
     * a known user id first (a rename is rarer but stronger), then a known anonymous id, and otherwise
     * treats it as a fresh anonymous id, the common case of aliasing a visitor at sign-up.
     */
    private Candidate previousId(String raw, IdentityStore store, List<IdentityNotice> notices) {
        List<CompiledRule> lookups = new ArrayList<>(2);
        if (userRule != null) {
            lookups.add(userRule);
        }
        if (anonymousRule != null && anonymousRule != userRule) {
            lookups.add(anonymousRule);
        }
        if (lookups.isEmpty()) {
            return null;
        }
        String value = null;
        for (CompiledRule r : lookups) {
            value = usable(r, "previousId", raw, notices);
            if (value == null) {
                return null;
            }
        }
        for (CompiledRule r : lookups) {
            Identifier id = new Identifier(r.type(), value);
            if (store.profileOf(id).isPresent()) {
                return new Candidate(id, r, 1);
            }
        }
        CompiledRule fallback = lookups.get(lookups.size() - 1);
        return new Candidate(new Identifier(fallback.type(), value), fallback, 1);
    }

    /** The trimmed value if it can identify someone; otherwise a notice and null. */
    private static String usable(CompiledRule rule, String path, Object raw, List<IdentityNotice> notices) {
        String text;
        if (raw instanceof String s) {
            text = s;
        } else if (raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte
                || raw instanceof java.math.BigInteger) {
            text = raw.toString();
        } else {
            // Doubles and booleans are never ids (1.0E10 would not match the string "10000000000").
            notices.add(new IdentityNotice(IdentityNotice.INVALID_IDENTIFIER, rule.type() + " at " + path
                    + " is a " + raw.getClass().getSimpleName() + ", not a string or an integer"));
            return null;
        }
        String stripped = text.strip();
        if (rule.isBlocked(stripped)) {
            notices.add(new IdentityNotice(IdentityNotice.BLOCKED_IDENTIFIER, rule.type() + " at " + path
                    + " is blocked: \"" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "\""));
            return null;
        }
        if (stripped.length() > MAX_VALUE_LENGTH) {
            notices.add(new IdentityNotice(IdentityNotice.INVALID_IDENTIFIER, rule.type() + " at " + path
                    + " is " + stripped.length() + " characters long, more than " + MAX_VALUE_LENGTH));
            return null;
        }
        return stripped;
    }
}
