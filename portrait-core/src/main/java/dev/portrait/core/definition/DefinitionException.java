package dev.portrait.core.definition;

import dev.portrait.core.PortraitException;

/** A profile definition that cannot be loaded; the message names the path and the reason. */
public final class DefinitionException extends PortraitException {
    private static final long serialVersionUID = 1L;

    public DefinitionException(String path, String reason) {
        super("invalid_definition", (path == null || path.isEmpty() ? "" : path + ": ") + reason, path);
    }
}
