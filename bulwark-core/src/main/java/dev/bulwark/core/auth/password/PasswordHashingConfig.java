package dev.bulwark.core.auth.password;

import java.util.Objects;

/**
 * Argon2id cost parameters for new password hashes.
 *
 * <p>Hashes made with other parameters still verify and are reported as needing a re-hash. The constructor
 * throws {@link IllegalArgumentException} naming the bad value when a parameter is below the floor the
 * Argon2 specification allows or above what a login server can afford.
 *
 * @param memoryKib    memory per hash in KiB ({@code m})
 * @param iterations   passes over memory ({@code t})
 * @param parallelism  lanes ({@code p})
 * @param saltLength   random salt length in bytes
 * @param hashLength   output length in bytes
 * @param engine       which implementation computes hashes
 */
public record PasswordHashingConfig(int memoryKib, int iterations, int parallelism, int saltLength,
                                    int hashLength, Argon2Engine engine) {

    /**
     * OWASP's Argon2id recommendation: m=19 MiB, t=2, p=1, with a 16-byte salt and a 32-byte hash, computed by
     * the native implementation where it loads.
     */
    public static final PasswordHashingConfig OWASP = new PasswordHashingConfig(19 * 1024, 2, 1, 16, 32);

    /** Argon2 itself requires at least 8 KiB per lane. */
    static final int MIN_MEMORY_PER_LANE_KIB = 8;
    /** One hash above 4 GiB would take a whole server down. */
    static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
    /** More passes than anyone tunes Argon2 to; each one costs as much as the first. */
    static final int MAX_ITERATIONS = 100;
    /** More lanes than any server has cores. */
    static final int MAX_PARALLELISM = 64;

    /** The given parameters, computed by {@link Argon2Engine#AUTO}. */
    public PasswordHashingConfig(int memoryKib, int iterations, int parallelism, int saltLength, int hashLength) {
        this(memoryKib, iterations, parallelism, saltLength, hashLength, Argon2Engine.AUTO);
    }

    public PasswordHashingConfig {
        Objects.requireNonNull(engine, "engine");
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("argon2 parallelism must be 1 to " + MAX_PARALLELISM + ": "
                    + parallelism);
        }
        if (memoryKib < MIN_MEMORY_PER_LANE_KIB * parallelism || memoryKib > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("argon2 memory must be " + MIN_MEMORY_PER_LANE_KIB * parallelism
                    + " to " + MAX_MEMORY_KIB + " KiB: " + memoryKib);
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("argon2 iterations must be 1 to " + MAX_ITERATIONS + ": "
                    + iterations);
        }
        if (saltLength < 16 || saltLength > 64) {
            throw new IllegalArgumentException("salt length must be 16 to 64 bytes: " + saltLength);
        }
        if (hashLength < 16 || hashLength > 64) {
            throw new IllegalArgumentException("hash length must be 16 to 64 bytes: " + hashLength);
        }
    }

    /** @return these parameters computed by {@code engine} */
    public PasswordHashingConfig withEngine(Argon2Engine engine) {
        return new PasswordHashingConfig(memoryKib, iterations, parallelism, saltLength, hashLength, engine);
    }
}
