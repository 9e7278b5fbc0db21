package dev.portrait.store;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.identity.IdentityStore;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The identity graph's store over the {@code identities} table, with writes held in an overlay until
 * the next write-back.
 *
 * <pre>
 *   'i' HMAC(identifier)[16]                 →  profileId                  who holds the identifier
 *   'c' profileId                            →  createdAt[8]               the profile record
 *   'a' len[2] profileId HMAC(identifier)[16] →  version[1] keyId[16] AES-GCM(type, value, attachedAt)
 * </pre>
 * No key holds an identifier in clear: lookups go through a keyed hash, and the identifier itself lives
 * only inside the profile's ciphertext, so forgetting the profile (its entries and its key) leaves
 * nothing that names the person.
 *
 * <h2>Why writes wait for the write-back</h2>
 *
 * Recovery replays the log from the profiles' applied position. If identity writes were durable
 * sooner than the profiles, a crash would leave identities that already include events the profiles
 * do not, and the replay would resolve those events against the future: a merge it should fold would
 * already be done, and the loser's states would never reach the winner. So every write lands in an
 * overlay that reads consult first, and {@link #stage} moves the overlay into the write-back's batch,
 * making identities durable atomically with the profiles at the same position. After the batch is
 * written, each staged entry leaves the overlay only if no newer write replaced it meanwhile.
 *
 * <p>Preconditions are checked as the in-memory reference store checks them (a read each), so a bug
 * in a caller fails here instead of corrupting a durable index.
 */
final class StoredIdentities implements IdentityStore {
    private static final byte OWNER = 'i';
    private static final byte CREATED = 'c';
    private static final byte ATTACHED = 'a';
    private static final int VERSION = 1;
    private static final Object TOMBSTONE = new Object() {
        @Override
        public String toString() {
            return "TOMBSTONE";
        }
    };
    private static final Comparator<AttachedIdentifier> ORDER = Comparator.comparingLong(AttachedIdentifier::attachedAt)
            .thenComparing(AttachedIdentifier::identifier);

    private final EmbeddedStore store;
    /** Key → pending value: a profile id ('i'), a Long ('c'), an AttachedIdentifier ('a'), or TOMBSTONE. */
    private final ConcurrentSkipListMap<byte[], Object> overlay = new ConcurrentSkipListMap<>(KeyLayout::compare);

    StoredIdentities(EmbeddedStore store) {
        this.store = store;
    }

    byte[] identifierHash(Identifier id) {
        BinaryOut out = new BinaryOut(id.type().length() + id.value().length() + 8);
        out.writeByte('i');
        out.writeString(id.type());
        out.writeString(id.value());
        return store.keyring.hash(out.toByteArray());
    }

    private static byte[] createdKey(String profileId) {
        return KeyLayout.key(CREATED, KeyLayout.utf8(profileId));
    }

    @Override
    public Optional<String> profileOf(Identifier identifier) {
        java.util.Objects.requireNonNull(identifier, "identifier");
        return Optional.ofNullable(owner(KeyLayout.key(OWNER, identifierHash(identifier))));
    }

    /** The profile whose identifier has this {@link #identifierHash}, or null. */
    String ownerOfHash(byte[] hash) {
        return owner(KeyLayout.key(OWNER, hash));
    }

    private String owner(byte[] key) {
        Object pending = overlay.get(key);
        if (pending == TOMBSTONE) {
            return null;
        }
        if (pending != null) {
            return (String) pending;
        }
        byte[] v = store.tables.get(Table.IDENTITIES, key);
        return v == null ? null : KeyLayout.string(v, 0, v.length);
    }

    @Override
    public List<AttachedIdentifier> identifiersOf(String profileId) {
        StoredProfiles.requireId(profileId);
        byte[] prefix = KeyLayout.profilePrefix(ATTACHED, profileId);
        byte[] end = KeyLayout.prefixEnd(prefix);
        TreeMap<byte[], AttachedIdentifier> found = new TreeMap<>(KeyLayout::compare);
        store.tables.scan(Table.IDENTITIES, prefix, end, false, (k, v) -> {
            AttachedIdentifier a = decode(profileId, k, v);
            if (a != null) {
                found.put(k, a);
            }
            return true;
        });
        for (Map.Entry<byte[], Object> e : overlay.subMap(prefix, true, end, false).entrySet()) {
            if (e.getValue() == TOMBSTONE) {
                found.remove(e.getKey());
            } else {
                found.put(e.getKey(), (AttachedIdentifier) e.getValue());
            }
        }
        List<AttachedIdentifier> out = new ArrayList<>(found.values());
        out.sort(ORDER);
        return List.copyOf(out);
    }

    private AttachedIdentifier decode(String profileId, byte[] key, byte[] value) {
        byte[] plain = value.length > 1 && value[0] == VERSION
                ? store.keyring.open(value, 1, Keyring.aad(Table.IDENTITIES, key)) : null;
        if (plain == Keyring.FORGOTTEN) {
            return null;
        }
        if (plain == null) {
            throw new StoreException("corrupt_store", "an identifier of profile " + profileId + " fails authentication",
                    "identities/" + profileId);
        }
        BinaryIn in = new BinaryIn(plain);
        Identifier id = new Identifier(in.readString(), in.readString());
        return new AttachedIdentifier(id, in.readSignedVarLong());
    }

    @Override
    public OptionalLong createdAt(String profileId) {
        StoredProfiles.requireId(profileId);
        byte[] key = createdKey(profileId);
        Object pending = overlay.get(key);
        if (pending == TOMBSTONE) {
            return OptionalLong.empty();
        }
        if (pending != null) {
            return OptionalLong.of((Long) pending);
        }
        byte[] v = store.tables.get(Table.IDENTITIES, key);
        return v == null ? OptionalLong.empty() : OptionalLong.of(KeyLayout.getLong(v, 0));
    }

    @Override
    public void createProfile(String profileId, long createdAt) {
        StoredProfiles.requireId(profileId);
        if (exists(profileId)) {
            throw new IllegalStateException("profile " + profileId + " already exists");
        }
        overlay.put(createdKey(profileId), createdAt);
    }

    @Override
    public void deleteProfile(String profileId) {
        requireExisting(profileId);
        int held = identifiersOf(profileId).size();
        if (held > 0) {
            throw new IllegalStateException("profile " + profileId + " still holds " + held
                    + " identifiers; detach them before deleting it");
        }
        overlay.put(createdKey(profileId), TOMBSTONE);
    }

    @Override
    public void attach(String profileId, Identifier identifier, long attachedAt) {
        java.util.Objects.requireNonNull(identifier, "identifier");
        requireExisting(profileId);
        byte[] hash = identifierHash(identifier);
        byte[] ownerKey = KeyLayout.key(OWNER, hash);
        String owner = owner(ownerKey);
        if (owner != null) {
            throw new IllegalStateException("identifier of type " + identifier.type() + " is held by profile "
                    + owner + ", cannot attach it to " + profileId);
        }
        overlay.put(KeyLayout.concat(KeyLayout.profilePrefix(ATTACHED, profileId), hash),
                new AttachedIdentifier(identifier, attachedAt));
        overlay.put(ownerKey, profileId);
    }

    @Override
    public void detach(String profileId, Identifier identifier) {
        java.util.Objects.requireNonNull(identifier, "identifier");
        requireExisting(profileId);
        byte[] hash = identifierHash(identifier);
        byte[] ownerKey = KeyLayout.key(OWNER, hash);
        if (!profileId.equals(owner(ownerKey))) {
            throw new IllegalStateException("profile " + profileId + " does not hold the " + identifier.type()
                    + " identifier it was asked to detach");
        }
        overlay.put(ownerKey, TOMBSTONE);
        overlay.put(KeyLayout.concat(KeyLayout.profilePrefix(ATTACHED, profileId), hash), TOMBSTONE);
    }

    private void requireExisting(String profileId) {
        StoredProfiles.requireId(profileId);
        if (!exists(profileId)) {
            throw new IllegalStateException("no profile " + profileId);
        }
    }

    /** The overlay's entries staged into a write; {@link #written()} once it is. */
    final class Pending {
        private final List<Map.Entry<byte[], Object>> staged;

        private Pending(List<Map.Entry<byte[], Object>> staged) {
            this.staged = staged;
        }

        void written() {
            for (Map.Entry<byte[], Object> e : staged) {
                overlay.remove(e.getKey(), e.getValue());
            }
        }
    }

    /**
     * The pending identity writes as they are now. Taken by the thread that writes identities, at the
     * log position the write-back will record, it lets the write-back commit on another thread while
     * newer writes go on landing in the overlay (they wait for the next write-back).
     */
    List<Map.Entry<byte[], Object>> snapshot() {
        List<Map.Entry<byte[], Object>> staged = new ArrayList<>();
        for (Map.Entry<byte[], Object> e : overlay.entrySet()) {
            staged.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
        }
        return staged;
    }

    /** Stages every pending identity write into a write-back; the caller holds the derived lock. */
    Pending stage(StoreWrite w) {
        return stage(w, snapshot());
    }

    /** Stages these identity writes (a {@link #snapshot()}) into a write-back; the caller holds the derived lock. */
    Pending stage(StoreWrite w, List<Map.Entry<byte[], Object>> staged) {
        for (Map.Entry<byte[], Object> e : staged) {
            byte[] key = e.getKey();
            Object value = e.getValue();
            if (value == TOMBSTONE) {
                w.batch.delete(Table.IDENTITIES, key);
            } else if (key[0] == OWNER) {
                w.batch.put(Table.IDENTITIES, key, KeyLayout.utf8((String) value));
            } else if (key[0] == CREATED) {
                w.batch.put(Table.IDENTITIES, key, KeyLayout.longKey((Long) value));
            } else {
                AttachedIdentifier a = (AttachedIdentifier) value;
                int idLength = ((key[1] & 0xFF) << 8) | (key[2] & 0xFF);
                String profileId = KeyLayout.string(key, 3, idLength);
                BinaryOut out = new BinaryOut(64);
                out.writeString(a.identifier().type());
                out.writeString(a.identifier().value());
                out.writeSignedVarLong(a.attachedAt());
                DataKey k = w.keyFor(Keyring.PROFILE, profileId);
                w.batch.put(Table.IDENTITIES, key,
                        Keyring.seal(k, new byte[] {VERSION}, out.toByteArray(), Keyring.aad(Table.IDENTITIES, key)));
            }
        }
        return new Pending(staged);
    }

    /**
     * Stages the removal of a profile and every identifier it holds, durable or pending; the caller
     * holds both locks and commits.
     *
     * @return the identifier values it held (to find the person in the quarantine)
     */
    List<String> forget(String profileId, StoreWrite w) {
        List<AttachedIdentifier> held = identifiersOf(profileId);
        List<String> values = new ArrayList<>(held.size());
        for (AttachedIdentifier a : held) {
            byte[] ownerKey = KeyLayout.key(OWNER, identifierHash(a.identifier()));
            if (profileId.equals(owner(ownerKey))) {
                w.batch.delete(Table.IDENTITIES, ownerKey);
                overlay.remove(ownerKey);
            }
            values.add(a.identifier().value());
        }
        byte[] prefix = KeyLayout.profilePrefix(ATTACHED, profileId);
        byte[] end = KeyLayout.prefixEnd(prefix);
        w.batch.deleteRange(Table.IDENTITIES, prefix, end);
        overlay.subMap(prefix, true, end, false).clear();
        w.batch.delete(Table.IDENTITIES, createdKey(profileId));
        overlay.remove(createdKey(profileId));
        return values;
    }

    void discardPending() {
        overlay.clear();
    }
}
