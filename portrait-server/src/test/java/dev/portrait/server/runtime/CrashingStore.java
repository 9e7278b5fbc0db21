package dev.portrait.server.runtime;

import dev.portrait.server.testing.ForwardingStore;
import dev.portrait.server.testing.ForwardingWriteBack;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreException;
import dev.portrait.store.WriteBack;

/**
 * A store whose write-backs stop committing once {@link #crash()} is called, while the log goes on
 * taking events: what a process killed between two write-backs leaves on disk, once the store is closed
 * and opened again (the identity writes not yet written back die with the store object, as in a crash).
 */
final class CrashingStore extends ForwardingStore {
    private volatile boolean crashed;

    CrashingStore(PortraitStore store) {
        super(store);
    }

    void crash() {
        crashed = true;
    }

    @Override
    public WriteBack writeBack() {
        return new ForwardingWriteBack(real.writeBack()) {
            @Override
            public void commit(long appliedSequence) {
                if (crashed) {
                    throw new StoreException("store_io", "the process died before this write-back", null);
                }
                super.commit(appliedSequence);
            }
        };
    }
}
