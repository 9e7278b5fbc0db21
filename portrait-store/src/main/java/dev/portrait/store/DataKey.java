package dev.portrait.store;

import com.google.crypto.tink.Aead;

import java.security.GeneralSecurityException;

/**
 * One owner's AES-256-GCM data key, unwrapped.
 *
 * @param id       16 bytes: the owner's kind, then 15 random bytes; what stored values name
 * @param ownerKey the owner-index key in the {@code keys} table ({@code o}, kind, keyed hash of the owner)
 * @param cacheKey the owner as the in-memory cache knows it (kind and name); never stored
 * @param aead     the cipher
 * @param wrapped  the key wrapped under the master keyset, for staging a new key; {@code null} once stored
 */
record DataKey(byte[] id, byte[] ownerKey, String cacheKey, Aead aead, byte[] wrapped) {
    static final int ID_BYTES = 16;

    byte[] encrypt(byte[] plaintext, byte[] aad) {
        try {
            return aead.encrypt(plaintext, aad);
        } catch (GeneralSecurityException e) {
            throw new StoreException("store_io", "AES-GCM encryption failed: " + e.getMessage(), null, e);
        }
    }

    /** The plaintext, or {@code null} when authentication fails. */
    byte[] decrypt(byte[] ciphertext, byte[] aad) {
        try {
            return aead.decrypt(ciphertext, aad);
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "DataKey[" + java.util.HexFormat.of().formatHex(id) + "]";
    }
}
