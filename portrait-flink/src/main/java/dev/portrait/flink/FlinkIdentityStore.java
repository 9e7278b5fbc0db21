package dev.portrait.flink;

import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.identity.IdentityStore;
import org.apache.flink.api.common.state.MapState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The identity graph's two indexes on Flink keyed map state (under the identity operator's one key),
 * so they live in the RocksDB state backend and are part of every checkpoint.
 */
final class FlinkIdentityStore implements IdentityStore {
    private static final Comparator<AttachedIdentifier> ORDER =
            Comparator.comparingLong(AttachedIdentifier::attachedAt).thenComparing(AttachedIdentifier::identifier);

    /** {@code type \0 value} → profile id. */
    private final MapState<String, String> owners;
    /** profile id → creation time and identifiers ({@link AttachedIdentifiers}). */
    private final MapState<String, byte[]> profiles;

    FlinkIdentityStore(MapState<String, String> owners, MapState<String, byte[]> profiles) {
        this.owners = owners;
        this.profiles = profiles;
    }

    static String key(Identifier i) {
        return i.type() + '\0' + i.value();
    }

    @Override
    public Optional<String> profileOf(Identifier identifier) {
        return Optional.ofNullable(call(() -> owners.get(key(identifier))));
    }

    @Override
    public List<AttachedIdentifier> identifiersOf(String profileId) {
        return AttachedIdentifiers.decode(call(() -> profiles.get(profileId)));
    }

    /** The stored form of a profile's identifiers, as the profile operator receives it. */
    byte[] encodedIdentifiersOf(String profileId) {
        return call(() -> profiles.get(profileId));
    }

    @Override
    public OptionalLong createdAt(String profileId) {
        byte[] bytes = call(() -> profiles.get(profileId));
        return bytes == null ? OptionalLong.empty() : OptionalLong.of(AttachedIdentifiers.createdAt(bytes));
    }

    @Override
    public void createProfile(String profileId, long createdAt) {
        run(() -> profiles.put(profileId, AttachedIdentifiers.encode(createdAt, List.of())));
    }

    @Override
    public void deleteProfile(String profileId) {
        run(() -> profiles.remove(profileId));
    }

    @Override
    public void attach(String profileId, Identifier identifier, long attachedAt) {
        byte[] bytes = call(() -> profiles.get(profileId));
        if (bytes == null) {
            throw new IllegalStateException("cannot attach " + identifier + " to unknown profile " + profileId);
        }
        List<AttachedIdentifier> list = new ArrayList<>(AttachedIdentifiers.decode(bytes));
        list.add(new AttachedIdentifier(identifier, attachedAt));
        list.sort(ORDER);
        run(() -> {
            profiles.put(profileId, AttachedIdentifiers.encode(AttachedIdentifiers.createdAt(bytes), list));
            owners.put(key(identifier), profileId);
        });
    }

    @Override
    public void detach(String profileId, Identifier identifier) {
        byte[] bytes = call(() -> profiles.get(profileId));
        if (bytes != null) {
            List<AttachedIdentifier> list = new ArrayList<>(AttachedIdentifiers.decode(bytes));
            list.removeIf(a -> a.identifier().equals(identifier));
            run(() -> profiles.put(profileId, AttachedIdentifiers.encode(AttachedIdentifiers.createdAt(bytes), list)));
        }
        run(() -> owners.remove(key(identifier)));
    }

    private interface StateCall<T> {
        T call() throws Exception;
    }

    private interface StateRun {
        void run() throws Exception;
    }

    private static <T> T call(StateCall<T> c) {
        try {
            return c.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("identity state could not be read: " + e, e);
        }
    }

    private static void run(StateRun r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("identity state could not be written: " + e, e);
        }
    }
}
