package dev.bulwark.core.auth.password;

/**
 * The outcome of checking a password against a stored hash.
 *
 * @param matches     whether the password is the one the hash was made from
 * @param needsRehash whether the caller should store a fresh hash of the (correct) password: the stored one uses
 *                    old parameters or another algorithm such as bcrypt; always {@code false} when
 *                    {@code matches} is {@code false}
 */
public record PasswordVerification(boolean matches, boolean needsRehash) {

    /** The password does not match (or the stored hash is unusable). */
    public static final PasswordVerification MISMATCH = new PasswordVerification(false, false);

    public PasswordVerification {
        if (needsRehash && !matches) {
            throw new IllegalArgumentException("only a matching password can need a re-hash");
        }
    }
}
