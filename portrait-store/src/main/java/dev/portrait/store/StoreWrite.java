package dev.portrait.store;

import java.util.HashMap;
import java.util.Map;

/**
 * One atomic write being assembled: a batch plus the data keys created for it, which are staged into
 * the same batch and published to the key cache only once it is written.
 */
final class StoreWrite implements AutoCloseable {
    final Tables.Batch batch;
    private final Tables tables;
    private final Keyring keyring;
    private final Map<String, DataKey> created = new HashMap<>();

    StoreWrite(Tables tables, Keyring keyring) {
        this.tables = tables;
        this.keyring = keyring;
        this.batch = tables.batch();
    }

    /** The owner's key, created (and staged into this write) when it has none. */
    DataKey keyFor(byte kind, String owner) {
        String ck = (char) kind + owner;
        DataKey k = created.get(ck);
        if (k != null) {
            return k;
        }
        k = keyring.find(kind, owner);
        if (k == null) {
            k = keyring.generate(kind, owner);
            keyring.stage(k, batch);
            created.put(ck, k);
        }
        return k;
    }

    void commit(boolean sync) {
        tables.write(batch, sync);
        keyring.publish(created.values());
    }

    @Override
    public void close() {
        batch.close();
    }
}
