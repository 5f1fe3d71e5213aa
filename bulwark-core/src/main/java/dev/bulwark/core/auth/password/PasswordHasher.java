package dev.bulwark.core.auth.password;

import com.password4j.BcryptFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * Hashes passwords with Argon2id into PHC strings ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}) and
 * verifies them, including bcrypt hashes imported from other systems ({@code $2a$}, {@code $2b$}, {@code $2y$}).
 *
 * <p>Hashing is deliberately slow (tens of milliseconds); run it on {@link PasswordWorkers}, never on an event
 * loop. Argon2 is computed by the {@linkplain PasswordHashingConfig#engine() configured engine}; bcrypt by
 * password4j. A stored hash that cannot be parsed verifies as a mismatch rather than throwing, so a corrupt row
 * never turns into a 500 that tells an attacker the account exists. Thread-safe.
 */
public final class PasswordHasher {

    private static final Logger LOG = LoggerFactory.getLogger(PasswordHasher.class);
    /**
     * The highest bcrypt cost verified: 2^16 rounds, several seconds of one core. Systems use 10 to 13; each step
     * doubles the time, and a stored cost of 31 would hold a hashing worker for days.
     */
    static final int MAX_BCRYPT_COST = 16;

    private final PasswordHashingConfig config;
    private final Argon2Implementation argon2;
    private final String dummyHash;

    /**
     * A hasher with {@code config} for new hashes; loads the Argon2 engine and computes the dummy hash once, now.
     *
     * @throws IllegalStateException when the engine is {@link Argon2Engine#NATIVE} and its library cannot be
     *                               loaded on this platform
     */
    public PasswordHasher(PasswordHashingConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.argon2 = implementation(config);
        byte[] unguessable = new byte[32];
        new SecureRandom().nextBytes(unguessable);
        this.dummyHash = hash(Base64.getEncoder().encodeToString(unguessable));
    }

    private static Argon2Implementation implementation(PasswordHashingConfig config) {
        return switch (config.engine()) {
            case JAVA -> new JavaArgon2(config);
            case NATIVE -> {
                try {
                    yield new NativeArgon2(config);
                } catch (LinkageError e) {
                    throw new IllegalStateException("password hashing engine 'native' cannot load libargon2 on "
                            + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + ": "
                            + e.getMessage(), e);
                }
            }
            case AUTO -> {
                try {
                    yield new NativeArgon2(config);
                } catch (LinkageError e) {
                    LOG.warn("libargon2 cannot be loaded here ({}); hashing passwords in Java, which leaves each "
                            + "hash's memory to the garbage collector (run the JVM with -XX:+UseG1GC, "
                            + "docs/operations.md)", e.getMessage());
                    yield new JavaArgon2(config);
                }
            }
        };
    }

    /** @return the parameters new hashes are made with */
    public PasswordHashingConfig config() {
        return config;
    }

    /**
     * @return which implementation computes Argon2 here, for the start-up log: {@code libargon2 (native)} or
     *         {@code password4j (Java)}
     */
    public String engine() {
        return argon2.toString();
    }

    /**
     * @return an Argon2id PHC string of {@code password} with a fresh random salt
     * @throws NullPointerException when {@code password} is null
     */
    public String hash(CharSequence password) {
        Objects.requireNonNull(password, "password");
        return argon2.hash(password);
    }

    /**
     * Checks {@code password} against {@code storedHash} (Argon2 PHC or bcrypt).
     *
     * @return whether it matches and, if so, whether the hash should be replaced with {@link #hash}
     */
    public PasswordVerification verify(CharSequence password, String storedHash) {
        Objects.requireNonNull(password, "password");
        if (storedHash == null) {
            return PasswordVerification.MISMATCH;
        }
        try {
            if (storedHash.startsWith("$argon2")) {
                Argon2Phc stored = Argon2Phc.parse(storedHash);
                if (!stored.withinConfigurableCost()) {
                    LOG.warn("a stored Argon2 hash asks for m={} KiB, t={}, p={}, beyond what hashing may be "
                            + "configured to spend; it verifies as a mismatch (reset that user's password)",
                            stored.memoryKib(), stored.iterations(), stored.parallelism());
                    return PasswordVerification.MISMATCH;
                }
                if (!argon2.matches(password, stored)) {
                    return PasswordVerification.MISMATCH;
                }
                return new PasswordVerification(true, !stored.madeWith(config));
            }
            if (storedHash.startsWith("$2a$") || storedHash.startsWith("$2b$") || storedHash.startsWith("$2y$")) {
                int cost = bcryptCost(storedHash);
                if (cost > MAX_BCRYPT_COST) {
                    LOG.warn("a stored bcrypt hash asks for cost {}, above {}; it verifies as a mismatch (reset that "
                            + "user's password)", cost, MAX_BCRYPT_COST);
                    return PasswordVerification.MISMATCH;
                }
                boolean matches = BcryptFunction.getInstanceFromHash(storedHash).check(password, storedHash);
                return matches ? new PasswordVerification(true, true) : PasswordVerification.MISMATCH;
            }
        } catch (RuntimeException unusableHash) {
            // A truncated or hand-edited hash is treated like a wrong password: no oracle, no 500.
            return PasswordVerification.MISMATCH;
        }
        return PasswordVerification.MISMATCH;
    }

    /** @return the cost of a {@code $2x$NN$} bcrypt string; a malformed one throws, which verifies as a mismatch */
    private static int bcryptCost(String storedHash) {
        if (storedHash.length() < 7 || storedHash.charAt(6) != '$') {
            throw new IllegalArgumentException("not a bcrypt string");
        }
        return Integer.parseInt(storedHash.substring(4, 6));
    }

    /**
     * Spends the same effort as {@link #verify} against a hash no password matches, so an unknown account
     * answers in about the same time as a wrong password.
     *
     * @return always {@link PasswordVerification#MISMATCH}
     */
    public PasswordVerification verifyAgainstDummy(CharSequence password) {
        verify(password, dummyHash);
        return PasswordVerification.MISMATCH;
    }
}
