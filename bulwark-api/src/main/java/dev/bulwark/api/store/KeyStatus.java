package dev.bulwark.api.store;

/** The life stage of a signing key in a {@link KeyStore}. */
public enum KeyStatus {
    /** Signs new tokens; exactly one key is active once the ring is initialized. */
    ACTIVE,
    /** Signs nothing; still verifies tokens until its {@code retireAfter}, so they expire naturally. */
    RETIRING
}
