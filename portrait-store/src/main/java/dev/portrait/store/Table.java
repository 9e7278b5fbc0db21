package dev.portrait.store;

import java.nio.charset.StandardCharsets;

/** The column families of the one RocksDB instance (and the maps of the in-memory store). */
enum Table {
    EVENTS("events", 'E'),
    DEDUP("dedup", 'D'),
    PROFILES("profiles", 'P'),
    IDENTITIES("identities", 'I'),
    MERGES("merges", 'M'),
    QUARANTINE("quarantine", 'Q'),
    CHANGELOG("changelog", 'C'),
    HISTORY("history", 'H'),
    META("meta", 'T'),
    KEYS("keys", 'K');

    final String cfName;
    final byte[] cfNameBytes;
    /** Fixed for ever: sealed values authenticate it, so renumbering would make them unreadable. */
    final byte tag;

    Table(String cfName, char tag) {
        this.cfName = cfName;
        this.cfNameBytes = cfName.getBytes(StandardCharsets.UTF_8);
        this.tag = (byte) tag;
    }
}
