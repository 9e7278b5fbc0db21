package dev.portrait.core.identity;

import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.definition.IdentityRule;
import dev.portrait.core.event.Event;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The identifiers an event carries, read by the identity rules exactly as resolving it would (trimmed,
 * blocked values left out) but without looking anything up. For forgetting: the values a person's
 * events carried, attached to the profile or not; and for the suppression list, which holds back the
 * events of forgotten people.
 *
 * <p>Thread-safe: it reads the event only.
 */
public final class EventIdentifiers {
    private static final IdentityStore NOTHING_KNOWN = new InMemoryIdentityStore();
    private final IdentifierReader reader;
    private final Set<String> types;

    /** @throws DefinitionException when a rule is unusable, as {@link IdentityGraph}'s constructor would */
    public EventIdentifiers(List<IdentityRule> rules) {
        List<CompiledRule> compiled = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            CompiledRule r = new CompiledRule(rules.get(i), i);
            if (!seen.add(r.type())) {
                throw new DefinitionException("identity[" + i + "].type", "identifier type " + r.type() + " is declared twice");
            }
            compiled.add(r);
        }
        this.reader = new IdentifierReader(compiled);
        this.types = Set.copyOf(seen);
    }

    /**
     * Every identifier the rules read from the event; an alias's {@code previousId} is listed under both
     * the user and the anonymous type (when declared), since either may be what it named.
     */
    public List<Identifier> of(Event event) {
        return read(reader, types, event);
    }

    static List<Identifier> read(IdentifierReader reader, Set<String> types, Event event) {
        Objects.requireNonNull(event, "event");
        List<Identifier> out = new ArrayList<>();
        for (IdentifierReader.Candidate c : reader.read(event, NOTHING_KNOWN, new ArrayList<>())) {
            out.add(c.identifier());
        }
        if (event.previousId() != null && !event.previousId().isBlank()) {
            for (String type : List.of("user_id", "anonymous_id")) {
                Identifier previous = new Identifier(type, event.previousId().strip());
                if (types.contains(type) && !out.contains(previous)) {
                    out.add(previous);
                }
            }
        }
        return out;
    }
}
