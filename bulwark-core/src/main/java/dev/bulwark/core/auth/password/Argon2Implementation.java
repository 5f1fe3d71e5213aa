package dev.bulwark.core.auth.password;

/**
 * Computes Argon2 for {@link PasswordHasher}. Every implementation writes and reads the same PHC strings.
 * Thread-safe.
 */
interface Argon2Implementation {

    /** @return an Argon2id PHC string of {@code password} with the configured parameters and a fresh salt */
    String hash(CharSequence password);

    /**
     * @return whether {@code password} matches {@code stored} (any variant, any parameters)
     * @throws RuntimeException when {@code stored} cannot be computed (corrupt salt, parameters out of range)
     */
    boolean matches(CharSequence password, Argon2Phc stored);
}
