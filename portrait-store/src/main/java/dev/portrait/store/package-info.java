/**
 * Portrait's durable embedded storage.
 *
 * <p>Public: {@link dev.portrait.store.PortraitStore} (factories {@code open} and {@code inMemory}) and
 * the parts it hands out — {@link dev.portrait.store.EventLog}, {@link dev.portrait.store.ProfileStore},
 * the core's {@code IdentityStore}, {@link dev.portrait.store.MergeLog},
 * {@link dev.portrait.store.Quarantine}, {@link dev.portrait.store.Changelog},
 * {@link dev.portrait.store.ProfileHistory},
 * {@link dev.portrait.store.WriteBack} — with their records and {@link dev.portrait.store.StoreOptions};
 * and {@link dev.portrait.store.log.EventCompression}, how an event is prepared for the log on an ingest
 * thread. Everything else is package-private. Both factories run the same code over two engines (RocksDB and
 * sorted in-memory maps with RocksDB's byte order), so the in-memory store is a faithful stand-in for
 * tests.
 *
 * <h2>Why the event log lives in RocksDB and not in segment files</h2>
 *
 * A log of segment files (Kafka's shape: append length + CRC + bytes, fsync, roll) is the textbook
 * event log, and it would write each byte once. We chose a RocksDB column family keyed by the
 * big-endian sequence number instead, because Portrait's log is not written alone:
 * <ol>
 *   <li><b>Deduplication must be atomic with the append.</b> {@code appendIfNew} checks and records
 *       each {@code messageId} in the same write as the record. With segment files the dedup index
 *       would live in a second structure (in practice RocksDB anyway), and every crash between the two
 *       writes would need a recovery pass that rebuilds the index from the log's tail. In one RocksDB
 *       instance both are one {@code WriteBatch}: one WAL record, all or nothing.</li>
 *   <li><b>Crypto-shredding needs keys written with their first use.</b> A new person's data key must be
 *       durable no later than the first record encrypted under it. Same argument: one batch.</li>
 *   <li><b>One fsync per group, not two.</b> The batch (records, dedup ids, quarantined events, new keys,
 *       the last sequence: {@link dev.portrait.store.PortraitStore#commitGroup}) is made durable by a single
 *       synced WAL write; segment files plus a separate index would need
 *       two fsyncs per group or an ordering protocol between them. RocksDB 11.8.1 measured here:
 *       WriteBatch(100) with fsync ≈ 119k records/s on one thread.</li>
 *   <li><b>The write amplification we feared does not happen.</b> Block keys (first sequences) only grow, so each
 *       flushed file covers a key range after every existing one and RocksDB moves it down the levels
 *       without rewriting it (a "trivial move"): a record is written about twice (WAL, then the flushed
 *       table), not once per level. Replay is a forward iterator over ordered keys, which reads
 *       sequentially.</li>
 *   <li><b>One thing to operate.</b> One directory, one recovery procedure (RocksDB's point-in-time WAL
 *       recovery, after which the database is a prefix of the writes), one backup story, one
 *       compaction that makes deleted data physically leave the disk.</li>
 * </ol>
 * What segment files would do better: trimming old history by deleting whole files, and the last few
 * percent of append throughput. Neither matters yet: the log is the source of truth and is never
 * trimmed, and at larger scale the Kafka runtime takes over the log's role.
 *
 * <h2>Layout</h2>
 *
 * {@code <dir>/keysets/} holds the two master Tink keysets (data-key wrapping, owner hashing);
 * {@code <dir>/forget-journal} the forgets in keyed hashes, which a backup never copies ({@link dev.portrait.store.Backups});
 * {@code <dir>/db/} is one RocksDB instance with these column families (key → value):
 * <pre>
 *   events      firstSequence[8]                     → v[1]=2 crc32c[4] count runs receivedAt… run…        one block per group
 *                                                       per run: keyId[16] GCM(prepared events)           subject's key
 *   dedup       'b' bucket[4] HMAC(messageId)[12]    → receivedAt − bucket start (varint)
 *   profiles    profileId                            → v[1] keyId[16] GCM(ProfileCodec bytes)            profile's key
 *   identities  'i' HMAC(type,value)[16]             → profileId
 *               'c' profileId                        → createdAt[8]
 *               'a' len[2] profileId HMAC[16]        → v[1] keyId[16] GCM(type, value, attachedAt)       profile's key
 *   merges      'm' len[2] profileId n[8]            → v[1] keyId[16] GCM(MergeLogEntry bytes)           profile's key
 *   changelog   'c' len[2] profileId n[8]            → v[1] eventTime[8] keyId[16] GCM(change)           profile's key
 *   history     'h' len[2] profileId n[8]            → v[1] packed entries (HistoryBuffer: delta varints)  not sealed
   quarantine  'e' id[8]                            → v[1] receivedAt[8] code keyId[16] GCM(raw, message, path)  quarantine key
 *               'n' code                             → count[8]
 *   meta        name                                 → long[8]   (format, log.last, profiles.applied, counters)
 *               'log.dict.' id                       → the zstd dictionary log records name by that id
 *   keys        'o' kind HMAC(kind owner)[16]        → keyId[16]
 *               'k' keyId[16]                        → GCM(master wrapping key, data key)
 * </pre>
 * No key and no unencrypted value holds an identifier, an e-mail or any other value a sender wrote,
 * except rejection codes (message ids are kept only as keyed hashes since log format 2). Data directories
 * of log format 1 are refused when opened (see {@code StoredEventLog} for format 2).
 * Profile ids appear in clear: the core derives them from a hash of the first identifier.
 *
 * <h2>Forgetting</h2>
 *
 * {@link dev.portrait.store.PortraitStore#forgetProfile} deletes a person's keys and entries in one
 * durable write; {@link dev.portrait.store.PortraitStore#compact} then rewrites every table so the
 * deleted bytes leave the files and obsolete WALs are deleted (never archived or recycled). Records that
 * cannot be found one by one — their events in the log — are unreadable because their key is gone.
 * This protects against reading a person back <em>after</em> they were forgotten; the master keysets
 * sit in the data directory, so it does not protect against someone who copied the disk before.
 */
package dev.portrait.store;
