package dev.portrait.core.segment;

import dev.portrait.core.PortraitException;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An audience saved under a name ({@code PUT /v1/audiences/{name}}): from then on a segment that people enter
 * and leave as their profiles change. One record is one <em>generation</em>: saving a name again after deleting
 * it makes a new one, and a deleted generation is kept (as a tombstone) so that a replay of a person's history
 * can still say when they entered and left it.
 *
 * @param name         the segment name it is known by (the rules of a definition's segment names)
 * @param spec         what it selects
 * @param since        the log position the runtime had folded when it became live: events after it are
 *                     evaluated against it, events up to it were folded before it existed
 * @param savedAt      when it became live (epoch ms): the time people who already matched entered it
 * @param deletedSince the log position folded when it was deleted, or -1 while it is live
 * @param deletedAt    when it was deleted (epoch ms), or -1 while it is live
 */
public record SavedAudience(String name, AudienceSpec spec, long since, long savedAt, long deletedSince, long deletedAt) {
    /** The rule of a definition's segment names (DefinitionLoader), kept short enough to be a path segment. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    public SavedAudience {
        checkName(name);
        Objects.requireNonNull(spec, "spec");
        if (since < 0) {
            throw new IllegalArgumentException("since must be a log position (>= 0), got " + since);
        }
        if ((deletedSince < 0) != (deletedAt < 0)) {
            throw new IllegalArgumentException("deletedSince and deletedAt are both set or both -1, got "
                    + deletedSince + " and " + deletedAt);
        }
    }

    /** A live audience saved at log position {@code since}, time {@code savedAt}. */
    public static SavedAudience saved(String name, AudienceSpec spec, long since, long savedAt) {
        return new SavedAudience(name, spec, since, savedAt, -1, -1);
    }

    /**
     * Checks a name against the segment-name rule.
     *
     * @throws PortraitException {@code invalid_audience} naming {@code name}
     */
    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            String shown = name == null ? "null" : name.length() > 80 ? name.substring(0, 80) + "…" : name;
            throw new PortraitException("invalid_audience", "\"" + shown + "\" is not a valid segment name (lower case "
                    + "letters, digits and _, starting with a letter, at most 64 characters)", "name");
        }
    }

    public boolean live() {
        return deletedSince < 0;
    }

    /** This generation, deleted at log position {@code position}, time {@code at}. */
    public SavedAudience deleted(long position, long at) {
        if (!live()) {
            throw new IllegalStateException(name + " is already deleted");
        }
        return new SavedAudience(name, spec, since, savedAt, position, Math.max(at, savedAt));
    }
}
