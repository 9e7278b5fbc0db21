package dev.portrait.store;

import dev.portrait.core.identity.ProfileIdKey;

import java.util.Map;
import java.util.Optional;

/**
 * The profile-id secret an operator sets when two runtimes must name a person alike: the Flink job takes
 * it from {@link #ENV} (or its {@code --profile-id-secret-file}), and a store opened with the same
 * variable set names new profiles under it instead of the secret derived from its own keysets. Without
 * it each store derives its own, and ids of two stores differ by design (they cannot be recomputed from
 * identifiers anywhere). Read at the edges, like {@link MasterKey}.
 */
public final class ProfileIdSecret {
    /** The environment variable the Flink job reads too. */
    public static final String ENV = "PORTRAIT_PROFILE_ID_SECRET";

    private ProfileIdSecret() {
    }

    /**
     * The key the environment sets, if any.
     *
     * @throws StoreException {@code profile_id_secret} when it is set but too short to be a secret
     */
    public static Optional<ProfileIdKey> fromEnvironment(Map<String, String> env) {
        String text = env.get(ENV);
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ProfileIdKey.ofText(text));
        } catch (IllegalArgumentException e) {
            throw new StoreException("profile_id_secret", "the environment variable " + ENV + ": " + e.getMessage(),
                    null, e);
        }
    }
}
