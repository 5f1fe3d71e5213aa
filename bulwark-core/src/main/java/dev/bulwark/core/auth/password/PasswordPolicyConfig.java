package dev.bulwark.core.auth.password;

/**
 * What a new password must satisfy.
 *
 * <p>The constructor throws {@link IllegalArgumentException} naming the bad value when the lengths are out of
 * order or out of range.
 *
 * @param minLength               fewest characters (Unicode code points)
 * @param maxLength               most characters; bounds hashing and estimation cost
 * @param requireCharacterClasses whether an uppercase letter, a lowercase letter, a digit and a symbol are all
 *                                required (seed 004's rule; NIST discourages it, so it is off by default)
 * @param minimumEntropyBits      the strength estimator's threshold: fewer estimated bits of entropy is "too
 *                                easy to guess"; 0 turns the estimator off
 */
public record PasswordPolicyConfig(int minLength, int maxLength, boolean requireCharacterClasses,
                                   double minimumEntropyBits) {

    /** The hard ceiling on {@link #maxLength}: past it estimation and hashing become a denial-of-service lever. */
    public static final int LONGEST_ALLOWED = 1024;

    /** 12 to 128 characters, no character-class rule, at least 35 bits of estimated entropy. */
    public static final PasswordPolicyConfig DEFAULTS = new PasswordPolicyConfig(12, 128, false, 35);

    public PasswordPolicyConfig {
        if (minLength < 1) {
            throw new IllegalArgumentException("password min length must be positive: " + minLength);
        }
        if (maxLength < minLength || maxLength > LONGEST_ALLOWED) {
            throw new IllegalArgumentException("password max length must be " + minLength + " to "
                    + LONGEST_ALLOWED + ": " + maxLength);
        }
        if (!(minimumEntropyBits >= 0) || minimumEntropyBits > 256) {
            throw new IllegalArgumentException("password minimum entropy must be 0 to 256 bits: "
                    + minimumEntropyBits);
        }
    }
}
