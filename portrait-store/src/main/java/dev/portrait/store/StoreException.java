package dev.portrait.store;

import dev.portrait.core.PortraitException;

/**
 * A failure of the durable store. Codes:
 * <ul>
 *   <li>{@code corrupt_log}: an event-log record failed its CRC32C or its authentication; the path is
 *       {@code events/<sequence>} and the message names the sequence;</li>
 *   <li>{@code corrupt_store}: any other stored value failed to decode or authenticate (the path names
 *       the table and key);</li>
 *   <li>{@code store_io}: RocksDB or the file system failed;</li>
 *   <li>{@code store_locked}: another process holds the data directory;</li>
 *   <li>{@code store_closed}: the store was used after {@link PortraitStore#close()};</li>
 *   <li>{@code store_format}: the data directory was written by an unknown layout version;</li>
 *   <li>{@code bad_cursor}: a paging cursor that this store did not hand out;</li>
 *   <li>{@code applied_sequence}: a write-back claimed a log position behind the last one or past
 *       the end of the log.</li>
 * </ul>
 */
public class StoreException extends PortraitException {
    private static final long serialVersionUID = 1L;

    public StoreException(String code, String message, String path) {
        super(code, message, path);
    }

    public StoreException(String code, String message, String path, Throwable cause) {
        super(code, message, path, cause);
    }
}
