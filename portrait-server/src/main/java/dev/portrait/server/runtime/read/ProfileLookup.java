package dev.portrait.server.runtime.read;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.identity.Identifier;
import dev.portrait.server.port.IdentifierTypes;
import dev.portrait.server.runtime.worker.ProfileWorker;
import dev.portrait.store.StoreException;

import java.util.function.Supplier;

/** How the read and admin sides find a profile by any of its identifiers, and read the store's pages. */
public final class ProfileLookup {
    private ProfileLookup() {
    }

    /**
     * The id of the profile holding the identifier, or null; on the worker thread only.
     *
     * @throws PortraitException {@code unknown_identifier_type} for a type the definition does not have
     */
    public static String profileIdOf(ProfileDefinition definition, ProfileWorker worker, String idType, String id) {
        IdentifierTypes.requireKnown(definition, idType);
        if (IdentifierTypes.PROFILE_ID.equals(idType)) {
            return id;
        }
        return worker.identities().profileOf(new Identifier(idType, id)).orElse(null);
    }

    /** The store's {@code bad_cursor} is the client's fault: the API calls it {@code invalid_cursor} (400). */
    public static <T> T paged(Supplier<T> read) {
        try {
            return read.get();
        } catch (StoreException e) {
            if ("bad_cursor".equals(e.code())) {
                throw new PortraitException("invalid_cursor", e.getMessage(), "cursor", e);
            }
            throw e;
        }
    }
}
