package dev.bulwark.core.auth.password;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of a stored Argon2 PHC string ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}), read
 * without computing anything. A string without {@code v=} is version 16 (0x10), as the reference encoder wrote
 * before version 19 (0x13).
 *
 * @param encoded     the whole PHC string
 * @param variant     {@code argon2id}, {@code argon2i} or {@code argon2d}
 * @param version     16 or 19
 * @param memoryKib   {@code m}
 * @param iterations  {@code t}
 * @param parallelism {@code p}
 * @param hashLength  bytes of the hash part
 */
record Argon2Phc(String encoded, String variant, int version, int memoryKib, int iterations, int parallelism,
                 int hashLength) {

    private static final Pattern PHC = Pattern.compile("\\$(argon2id|argon2i|argon2d)\\$(?:v=(16|19)\\$)?"
            + "m=(\\d{1,9}),t=(\\d{1,9}),p=(\\d{1,3})\\$[A-Za-z0-9+/]{11,}\\$([A-Za-z0-9+/]{6,})");

    /**
     * @throws IllegalArgumentException when {@code encoded} is not a well-formed Argon2 PHC string
     */
    static Argon2Phc parse(String encoded) {
        Matcher m = PHC.matcher(encoded);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an Argon2 PHC string");
        }
        int version = m.group(2) == null ? 16 : Integer.parseInt(m.group(2));
        // Unpadded base64: every 4 characters carry 3 bytes.
        int hashLength = m.group(6).length() * 3 / 4;
        return new Argon2Phc(encoded, m.group(1), version, Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                Integer.parseInt(m.group(5)), hashLength);
    }

    /**
     * @return whether verifying this hash costs no more than a hash the configuration could be set to make: a
     *     stored string asking for more memory, passes or lanes (a hand-edited or imported row) would otherwise
     *     take a hashing worker, or the heap, for as long as it says
     */
    boolean withinConfigurableCost() {
        return parallelism >= 1 && parallelism <= PasswordHashingConfig.MAX_PARALLELISM
                && iterations >= 1 && iterations <= PasswordHashingConfig.MAX_ITERATIONS
                && memoryKib >= PasswordHashingConfig.MIN_MEMORY_PER_LANE_KIB * parallelism
                && memoryKib <= PasswordHashingConfig.MAX_MEMORY_KIB;
    }

    /** @return whether this hash was made the way {@code config} makes new ones (Argon2id, version 19) */
    boolean madeWith(PasswordHashingConfig config) {
        return variant.equals("argon2id") && version == 19 && memoryKib == config.memoryKib()
                && iterations == config.iterations() && parallelism == config.parallelism()
                && hashLength == config.hashLength();
    }
}
