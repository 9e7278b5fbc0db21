package dev.portrait.core.identity;

import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.definition.IdentityRule;
import dev.portrait.core.event.Event;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An {@link IdentityRule} checked once and prepared for the hot path: parsed {@code from} paths,
 * lower-cased blocked values, the window in milliseconds.
 */
final class CompiledRule {
    /** Top-level event fields that hold one identifier each. */
    private static final Set<String> FIELDS = Set.of("userId", "anonymousId", "previousId", "groupId");
    /** Top-level event maps that identifiers can be read from. */
    private static final Set<String> MAPS = Set.of("traits", "context", "properties");

    final IdentityRule rule;
    /** Position in the rule list; breaks ties of equal priority. */
    final int index;
    final List<String[]> paths;
    /** Each path as written ({@code context.device.id}), for notices. */
    private final List<String> pathNames;
    private final Set<String> blocked;
    /** The longest blocked value: longer values need no lower-casing to know they are not blocked. */
    private final int longestBlocked;
    final long windowMillis;

    CompiledRule(IdentityRule rule, int index) {
        this.rule = rule;
        this.index = index;
        String at = "identity[" + index + "]";
        if (rule.type().isBlank()) {
            throw new DefinitionException(at + ".type", "an identifier type must not be blank");
        }
        List<String[]> parsed = new ArrayList<>();
        for (int i = 0; i < rule.from().size(); i++) {
            parsed.add(parsePath(rule.from().get(i), at + ".from[" + i + "]"));
        }
        this.paths = List.copyOf(parsed);
        List<String> names = new ArrayList<>();
        for (String[] p : parsed) {
            names.add(String.join(".", p));
        }
        this.pathNames = List.copyOf(names);
        if (rule.maxPerWindow() < 0) {
            throw new DefinitionException(at + ".maxPerWindow", rule.maxPerWindow()
                    + " is negative; use 0 for no limit");
        }
        if (rule.maxPerWindow() > 0 && rule.window().toMillis() < 1) {
            throw new DefinitionException(at + ".window", rule.window() + " is not a positive duration");
        }
        this.windowMillis = rule.window().toMillis();
        Set<String> lower = new HashSet<>();
        for (String b : rule.blocked()) {
            lower.add(b.strip().toLowerCase(Locale.ROOT));
        }
        this.blocked = Set.copyOf(lower);
        this.longestBlocked = lower.stream().mapToInt(String::length).max().orElse(0);
    }

    private static String[] parsePath(String path, String at) {
        if (path == null) {
            throw new DefinitionException(at, "an identifier path must not be null");
        }
        String[] parts = path.split("\\.", -1);
        boolean ok = FIELDS.contains(parts[0]) ? parts.length == 1 : MAPS.contains(parts[0]) && parts.length > 1;
        for (String p : parts) {
            ok &= !p.isEmpty();
        }
        if (!ok) {
            throw new DefinitionException(at, "\"" + path + "\" is not an identifier path; use userId, anonymousId,"
                    + " previousId, groupId or traits./context./properties. followed by a key");
        }
        return parts;
    }

    String type() {
        return rule.type();
    }

    boolean merges() {
        return rule.merge();
    }

    int maxPerProfile() {
        return rule.maxPerProfile();
    }

    /** Whether {@code stripped} (already trimmed) never identifies anyone. */
    boolean isBlocked(String stripped) {
        return stripped.isEmpty()
                || stripped.length() <= longestBlocked && blocked.contains(stripped.toLowerCase(Locale.ROOT));
    }

    /** Whether one of this rule's paths reads the given top-level field. */
    boolean readsField(String field) {
        for (String[] p : paths) {
            if (p.length == 1 && p[0].equals(field)) {
                return true;
            }
        }
        return false;
    }

    /** The value at the first path that is present in the event, with that path; null when none is. */
    Located locate(Event event) {
        for (int i = 0; i < paths.size(); i++) {
            Object v = valueAt(event, paths.get(i));
            if (v != null) {
                return new Located(pathNames.get(i), v);
            }
        }
        return null;
    }

    record Located(String path, Object value) {
    }

    private static Object valueAt(Event event, String[] path) {
        Object current;
        switch (path[0]) {
            case "userId": return event.userId();
            case "anonymousId": return event.anonymousId();
            case "previousId": return event.previousId();
            case "groupId": return event.groupId();
            case "traits": current = event.traits(); break;
            case "context": current = event.context(); break;
            case "properties": current = event.properties(); break;
            default: throw new IllegalStateException("unchecked path root " + path[0]);
        }
        for (int i = 1; i < path.length; i++) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(path[i]);
        }
        return current;
    }
}
