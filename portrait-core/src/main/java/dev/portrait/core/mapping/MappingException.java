package dev.portrait.core.mapping;

import dev.portrait.core.PortraitException;

/**
 * A mapping file that cannot be used, or a file whose header does not fit its mapping. The message
 * starts with the mapping's source and the path inside it ({@code retail.yaml: groupBy.totals.revenue:
 * ...}), as definition errors do.
 */
public final class MappingException extends PortraitException {
    private static final long serialVersionUID = 1L;

    MappingException(String source, String path, String reason) {
        super("invalid_mapping", source + ": " + (path == null || path.isEmpty() ? "" : path + ": ") + reason, path);
    }
}
