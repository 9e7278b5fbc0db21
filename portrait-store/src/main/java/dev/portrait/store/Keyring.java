package dev.portrait.store;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.util.SecretBytes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-owner data keys, the unit of crypto-shredding.
 *
 * <h2>Why this shape</h2>
 *
 * Forgetting a person must make everything of theirs unreadable even where it cannot be found and
 * deleted one value at a time: their events sit among everybody's in an append-only log. So every
 * personal value is encrypted under a key that belongs to one <em>owner</em> (an event subject, a
 * profile, the quarantine), and forgetting deletes the key. An owner's key is reached in two steps:
 * <pre>
 *   keys table:  'o' kind HMAC(kind owner)[16]  →  key id[16]
 *                'k' key id[16]                 →  AES-GCM(master wrapping key, raw data key; aad = 'k' id)
 * </pre>
 * Stored values name their key by its random id, not by the owner's hash, so once both entries are
 * deleted nothing links the left-over ciphertext to anyone: not even someone who holds the hashing
 * keyset and hashes a guessed e-mail address can find which records were theirs. The id's first byte
 * is the owner's kind, so a rebuild can drop every profile key with one range delete.
 *
 * <p>Data keys are raw 32-byte AES-GCM keys (12-byte random IV, 16-byte tag, no Tink prefix) used
 * through Tink's {@code AesGcmJce.create(AesGcmKey)}: a Tink keyset per person would cost ~100 bytes
 * more per owner on disk, and these keys never rotate, they are only ever deleted. The cipher is made
 * from the key object directly rather than through a one-key keyset handle because the keyset
 * wrapper measured 4.0 µs per 200-byte encryption here against 1.3 µs, on the group committer's single
 * thread that every event passes (Tink marks {@code subtle} as less stable API; the version is pinned).
 *
 * <h2>Caching and forgetting</h2>
 *
 * Unwrapped keys are cached (bounded, approximate eviction: Caffeine is not among this module's
 * allowed dependencies and exact LRU order buys nothing here). A cache fill that raced with a
 * forget must not resurrect the key, so fills check a forget epoch under the same monitor that
 * forgetting bumps it under. New keys are staged into the caller's batch and published to the cache
 * only after that batch is written, so a failed write never leaves a cached key that is not on disk.
 */
final class Keyring {
    static final byte SUBJECT = 's';
    static final byte PROFILE = 'p';
    static final byte QUARANTINE = 'q';
    private static final byte OWNER_TAG = 'o';
    private static final byte KEY_TAG = 'k';
    static final int HASH_BYTES = 16;
    private static final AesGcmParameters DATA_KEY_PARAMETERS;

    static {
        try {
            DATA_KEY_PARAMETERS = AesGcmParameters.builder().setKeySizeBytes(32).setIvSizeBytes(12)
                    .setTagSizeBytes(16).setVariant(AesGcmParameters.Variant.NO_PREFIX).build();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Tables tables;
    private final MasterKeys master;
    private final int cacheSize;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, DataKey> byOwner = new ConcurrentHashMap<>();
    private final Map<KeyId, DataKey> byId = new ConcurrentHashMap<>();
    private long forgetEpoch;

    Keyring(Tables tables, MasterKeys master, int cacheSize) {
        this.tables = tables;
        this.master = master;
        this.cacheSize = cacheSize;
    }

    /** A 16-byte keyed hash (HMAC-SHA256 PRF, truncated) that names no one without the hashing keyset. */
    byte[] hash(byte[] input) {
        try {
            return master.hashing.computePrimary(input, HASH_BYTES);
        } catch (GeneralSecurityException e) {
            throw new StoreException("store_io", "HMAC failed: " + e.getMessage(), null, e);
        }
    }

    byte[] ownerKey(byte kind, String owner) {
        byte[] name = owner.getBytes(StandardCharsets.UTF_8);
        byte[] input = new byte[name.length + 1];
        input[0] = kind;
        System.arraycopy(name, 0, input, 1, name.length);
        byte[] h = hash(input);
        byte[] key = new byte[2 + HASH_BYTES];
        key[0] = OWNER_TAG;
        key[1] = kind;
        System.arraycopy(h, 0, key, 2, HASH_BYTES);
        return key;
    }

    private static String cacheKey(byte kind, String owner) {
        return (char) kind + owner;
    }

    /** The owner's key, or {@code null} when it has none (never had one, or was forgotten). */
    DataKey find(byte kind, String owner) {
        String ck = cacheKey(kind, owner);
        DataKey k = byOwner.get(ck);
        if (k != null) {
            return k;
        }
        long epoch = epoch();
        byte[] ownerKey = ownerKey(kind, owner);
        byte[] id = tables.get(Table.KEYS, ownerKey);
        if (id == null) {
            return null;
        }
        k = load(id, ownerKey, ck, epoch);
        if (k != null) {
            cache(k, epoch);
        }
        return k;
    }

    /** The key a stored value names, or {@code null} when it was shredded. */
    DataKey byId(byte[] id, int offset) {
        KeyId kid = KeyId.of(id, offset);
        DataKey k = byId.get(kid);
        if (k != null) {
            return k;
        }
        long epoch = epoch();
        byte[] idBytes = Arrays.copyOfRange(id, offset, offset + DataKey.ID_BYTES);
        k = load(idBytes, null, null, epoch);
        if (k != null) {
            cache(k, epoch);
        }
        return k;
    }

    private DataKey load(byte[] id, byte[] ownerKey, String cacheKey, long epoch) {
        byte[] keyKey = KeyLayout.key(KEY_TAG, id);
        byte[] wrapped = tables.get(Table.KEYS, keyKey);
        if (wrapped == null) {
            return null;
        }
        byte[] raw;
        try {
            raw = master.wrapping.decrypt(wrapped, keyKey);
        } catch (GeneralSecurityException e) {
            throw new StoreException("corrupt_store", "data key " + java.util.HexFormat.of().formatHex(id)
                    + " does not unwrap under the master keyset", "keys/" + java.util.HexFormat.of().formatHex(id), e);
        }
        return new DataKey(id, ownerKey, cacheKey, cipher(raw), null);
    }

    /** A new key for the owner, not yet stored: {@link #stage} it into the batch that first uses it. */
    DataKey generate(byte kind, String owner) {
        byte[] id = new byte[DataKey.ID_BYTES];
        byte[] raw = new byte[32];
        random.nextBytes(id);
        random.nextBytes(raw);
        id[0] = kind;
        byte[] keyKey = KeyLayout.key(KEY_TAG, id);
        byte[] wrapped;
        try {
            wrapped = master.wrapping.encrypt(raw, keyKey);
        } catch (GeneralSecurityException e) {
            throw new StoreException("store_io", "cannot wrap a new data key: " + e.getMessage(), null, e);
        }
        DataKey k = new DataKey(id, ownerKey(kind, owner), cacheKey(kind, owner), cipher(raw), wrapped);
        Arrays.fill(raw, (byte) 0);
        return k;
    }

    void stage(DataKey key, Tables.Batch batch) {
        batch.put(Table.KEYS, key.ownerKey(), key.id());
        batch.put(Table.KEYS, KeyLayout.key(KEY_TAG, key.id()), key.wrapped());
    }

    /** Makes keys staged in a batch that has now been written visible to {@link #find}. */
    void publish(Collection<DataKey> written) {
        long epoch = epoch();
        for (DataKey k : written) {
            cache(k, epoch);
        }
    }

    /**
     * Stages the deletion of the owner's key.
     *
     * @return the key's id, for {@link #evict} once the batch is written, or {@code null} when it had none
     */
    byte[] forget(byte kind, String owner, Tables.Batch batch) {
        byte[] ownerKey = ownerKey(kind, owner);
        byte[] id = tables.get(Table.KEYS, ownerKey);
        if (id == null) {
            return null;
        }
        batch.delete(Table.KEYS, ownerKey);
        batch.delete(Table.KEYS, KeyLayout.key(KEY_TAG, id));
        return id;
    }

    /** As {@link #forget}, for an owner named by its {@link #ownerKey} (from the forget journal). */
    byte[] forgetOwnerKey(byte[] ownerKey, Tables.Batch batch) {
        byte[] id = tables.get(Table.KEYS, ownerKey);
        if (id == null) {
            return null;
        }
        batch.delete(Table.KEYS, ownerKey);
        batch.delete(Table.KEYS, KeyLayout.key(KEY_TAG, id));
        return id;
    }

    /** Stages the deletion of every key of one kind. */
    void forgetKind(byte kind, Tables.Batch batch) {
        batch.deleteRange(Table.KEYS, new byte[] {OWNER_TAG, kind}, new byte[] {OWNER_TAG, (byte) (kind + 1)});
        batch.deleteRange(Table.KEYS, new byte[] {KEY_TAG, kind}, new byte[] {KEY_TAG, (byte) (kind + 1)});
    }

    /** Drops forgotten keys from the cache, after the batch that deleted them was written. */
    synchronized void evict(Collection<byte[]> ids) {
        forgetEpoch++;
        for (byte[] id : ids) {
            DataKey k = byId.remove(KeyId.of(id, 0));
            if (k != null && k.cacheKey() != null) {
                byOwner.remove(k.cacheKey());
            }
        }
        // Owner entries are also reachable without their id having been cached by id.
        byOwner.values().removeIf(k -> ids.stream().anyMatch(id -> Arrays.equals(id, k.id())));
    }

    synchronized void evictAll() {
        forgetEpoch++;
        byOwner.clear();
        byId.clear();
    }

    private synchronized long epoch() {
        return forgetEpoch;
    }

    private synchronized void cache(DataKey k, long epoch) {
        if (epoch != forgetEpoch) {
            return;
        }
        if (byId.size() >= cacheSize) {
            shrink(byId);
        }
        if (byOwner.size() >= cacheSize) {
            shrink(byOwner);
        }
        byId.put(KeyId.of(k.id(), 0), k);
        if (k.cacheKey() != null) {
            byOwner.put(k.cacheKey(), k);
        }
    }

    /** Drops about an eighth of the entries, whichever the map's iteration order reaches first. */
    private <K> void shrink(Map<K, DataKey> map) {
        int drop = Math.max(1, cacheSize / 8);
        Iterator<K> it = map.keySet().iterator();
        while (drop-- > 0 && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    private static Aead cipher(byte[] raw) {
        try {
            AesGcmKey key = AesGcmKey.builder().setParameters(DATA_KEY_PARAMETERS)
                    .setKeyBytes(SecretBytes.copyFrom(raw, InsecureSecretKeyAccess.get())).build();
            return AesGcmJce.create(key);
        } catch (GeneralSecurityException e) {
            throw new StoreException("store_io", "cannot make an AES-GCM cipher: " + e.getMessage(), null, e);
        }
    }

    /** A data key id as a map key. */
    private record KeyId(long high, long low) {
        static KeyId of(byte[] b, int off) {
            return new KeyId(KeyLayout.getLong(b, off), KeyLayout.getLong(b, off + 8));
        }
    }

    /** Values sealed under a data key: key id, then AES-GCM ciphertext bound to {@code aad}. */
    static byte[] seal(DataKey key, byte[] header, byte[] plaintext, byte[] aad) {
        byte[] ct = key.encrypt(plaintext, aad);
        byte[] out = new byte[header.length + DataKey.ID_BYTES + ct.length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(key.id(), 0, out, header.length, DataKey.ID_BYTES);
        System.arraycopy(ct, 0, out, header.length + DataKey.ID_BYTES, ct.length);
        return out;
    }

    /** Outcome of {@link #open}. */
    static final byte[] FORGOTTEN = new byte[0];

    /**
     * The plaintext of a value sealed at {@code offset}; {@link #FORGOTTEN} (by identity) when its key
     * was shredded; {@code null} when it fails authentication (corruption: the caller names where).
     */
    byte[] open(byte[] value, int offset, byte[] aad) {
        return open(value, offset, value.length, aad);
    }

    /** As {@link #open(byte[], int, byte[])}, for a sealed value that ends at {@code end}, not at the array's end. */
    byte[] open(byte[] value, int offset, int end, byte[] aad) {
        if (end < offset + DataKey.ID_BYTES || end > value.length) {
            return null;
        }
        DataKey key = byId(value, offset);
        if (key == null) {
            return FORGOTTEN;
        }
        byte[] ct = Arrays.copyOfRange(value, offset + DataKey.ID_BYTES, end);
        return key.decrypt(ct, aad);
    }

    /** Additional authenticated data binding a sealed value to its table and key. */
    static byte[] aad(Table table, byte[] key) {
        byte[] out = new byte[key.length + 1];
        out[0] = table.tag;
        System.arraycopy(key, 0, out, 1, key.length);
        return out;
    }
}
