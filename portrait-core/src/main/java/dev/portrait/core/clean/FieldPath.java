package dev.portrait.core.clean;

/**
 * Where a value sits in an event ({@code properties.products[2].price}). Built as a chain while the
 * cleaner walks, and only rendered when a rejection or note needs it, so the happy path never
 * concatenates strings.
 */
final class FieldPath {
    static final FieldPath ROOT = new FieldPath(null, null, -1);

    /** Longer keys are cut in rendered paths: a hostile 1 MB key must not become a 1 MB path. */
    private static final int MAX_KEY_SHOWN = 64;

    private final FieldPath parent;
    private final String key;
    private final int index;

    private FieldPath(FieldPath parent, String key, int index) {
        this.parent = parent;
        this.key = key;
        this.index = index;
    }

    FieldPath key(String name) {
        return new FieldPath(this, name, -1);
    }

    FieldPath index(int i) {
        return new FieldPath(this, null, i);
    }

    /**
     * Past this a rendered path keeps its head and tail: a path hundreds of levels deep through
     * 64-character keys would otherwise weigh kilobytes in every quarantine record.
     */
    private static final int MAX_SHOWN = 1024;

    @Override
    public String toString() {
        if (parent == null) {
            return "$";
        }
        StringBuilder b = new StringBuilder();
        render(b);
        if (b.length() > MAX_SHOWN) {
            int keep = MAX_SHOWN / 2;
            return b.substring(0, keep) + "…(" + (b.length() - 2 * keep) + " characters)…" + b.substring(b.length() - keep);
        }
        return b.toString();
    }

    private void render(StringBuilder b) {
        if (parent == null) {
            return;
        }
        parent.render(b);
        if (key == null) {
            b.append('[').append(index).append(']');
        } else if (isPlain(key)) {
            if (b.length() > 0) {
                b.append('.');
            }
            b.append(key);
        } else {
            b.append("[\"");
            ValueText.escapeInto(b, key, MAX_KEY_SHOWN);
            b.append("\"]");
        }
    }

    /** Keys like {@code price} or {@code Order Id} read well after a dot; anything else is quoted. */
    private static boolean isPlain(String k) {
        if (k.isEmpty() || k.length() > MAX_KEY_SHOWN) {
            return false;
        }
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            if (c < 0x20 || c == '.' || c == '[' || c == ']' || c == '"' || c == '\\' || c == 0x7f
                    || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
