package dev.portrait.server.port;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.ProfileDefinition;

import java.util.ArrayList;
import java.util.List;

/** The {@code idType}s a query may name: the definition's identifier types and {@code profile_id}. */
public final class IdentifierTypes {
    /** Names a profile by its own id rather than by an identifier attached to it. */
    public static final String PROFILE_ID = "profile_id";

    private IdentifierTypes() {
    }

    /** Refuses an {@code idType} that is neither {@code profile_id} nor a type of the definition, listing the known ones. */
    public static void requireKnown(ProfileDefinition definition, String idType) {
        if (PROFILE_ID.equals(idType) || definition.identityRule(idType) != null) {
            return;
        }
        List<String> known = new ArrayList<>();
        known.add(PROFILE_ID);
        definition.identity().forEach(r -> known.add(r.type()));
        throw new PortraitException("unknown_identifier_type", "\"" + idType + "\" is not an identifier type of "
                + "the definition (known: " + String.join(", ", known) + ")", "idType");
    }
}
