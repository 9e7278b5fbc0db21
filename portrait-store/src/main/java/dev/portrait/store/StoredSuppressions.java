package dev.portrait.store;

import dev.portrait.core.identity.Identifier;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Suppressions} in the {@code meta} table: {@code "suppressed."} + the 16-byte keyed hash of the
 * normalised identifier, mapped to nothing. A few hundred bytes per forgotten person at most, so all of
 * it is held in memory too and a check touches no disk.
 */
final class StoredSuppressions implements Suppressions {
    private static final byte[] PREFIX = "suppressed.".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NOTHING = new byte[0];

    private final EmbeddedStore store;
    private final Set<ByteBuffer> hashes = ConcurrentHashMap.newKeySet();

    StoredSuppressions(EmbeddedStore store) {
        this.store = store;
        store.tables.scan(Table.META, PREFIX, KeyLayout.prefixEnd(PREFIX), false, (k, v) -> {
            hashes.add(ByteBuffer.wrap(java.util.Arrays.copyOfRange(k, PREFIX.length, k.length)));
            return true;
        });
    }

    /** {@code type:value} trimmed and lower-cased: the form both the list and the quarantine search compare. */
    static String normalised(Identifier id) {
        return id.type().toLowerCase(Locale.ROOT) + ":" + id.value().strip().toLowerCase(Locale.ROOT);
    }

    private byte[] hash(Identifier id) {
        return store.keyring.hash(normalised(id).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] key(byte[] hash) {
        byte[] k = new byte[PREFIX.length + hash.length];
        System.arraycopy(PREFIX, 0, k, 0, PREFIX.length);
        System.arraycopy(hash, 0, k, PREFIX.length, hash.length);
        return k;
    }

    /** Stages the suppression of identifiers into a forget's batch; {@link #published} once written. */
    java.util.List<byte[]> stage(Collection<Identifier> ids, StoreWrite w) {
        java.util.List<byte[]> staged = new java.util.ArrayList<>();
        for (Identifier id : ids) {
            byte[] h = hash(id);
            w.batch.put(Table.META, key(h), NOTHING);
            staged.add(h);
        }
        return staged;
    }

    /** Stages hashes already computed (from the forget journal); {@link #published} once written. */
    void stageHashes(Collection<byte[]> hashes, StoreWrite w) {
        for (byte[] h : hashes) {
            w.batch.put(Table.META, key(h), NOTHING);
        }
    }

    void published(java.util.List<byte[]> staged) {
        for (byte[] h : staged) {
            hashes.add(ByteBuffer.wrap(h));
        }
    }

    @Override
    public boolean suppressed(Identifier identifier) {
        return !hashes.isEmpty() && hashes.contains(ByteBuffer.wrap(hash(identifier)));
    }

    @Override
    public boolean lift(Identifier identifier) {
        byte[] h = hash(identifier);
        store.derivedLock.lock();
        try (StoreWrite w = store.newWrite()) {
            if (!hashes.contains(ByteBuffer.wrap(h))) {
                return false;
            }
            w.batch.delete(Table.META, key(h));
            w.commit(store.options().syncWrites());
            hashes.remove(ByteBuffer.wrap(h));
            return true;
        } finally {
            store.derivedLock.unlock();
        }
    }

    @Override
    public int size() {
        return hashes.size();
    }
}
