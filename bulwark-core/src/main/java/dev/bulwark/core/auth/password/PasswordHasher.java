package dev.bulwark.core.auth.password;

import com.password4j.Argon2Function;
import com.password4j.BcryptFunction;
import com.password4j.Password;
import com.password4j.types.Argon2;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * Hashes passwords with Argon2id into PHC strings ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}) and
 * verifies them, including bcrypt hashes imported from other systems ({@code $2a$}, {@code $2b$}, {@code $2y$}).
 *
 * <p>Hashing is deliberately slow (tens of milliseconds); run it on {@link PasswordWorkers}, never on an event
 * loop. A stored hash that cannot be parsed verifies as a mismatch rather than throwing, so a corrupt row never
 * turns into a 500 that tells an attacker the account exists. Thread-safe.
 */
public final class PasswordHasher {

    private static final int ARGON2_VERSION = Argon2Function.ARGON2_VERSION_13;

    private final PasswordHashingConfig config;
    private final Argon2Function argon2;
    private final String dummyHash;

    /** A hasher with {@code config} for new hashes; computes the dummy hash once, now. */
    public PasswordHasher(PasswordHashingConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.argon2 = Argon2Function.getInstance(config.memoryKib(), config.iterations(), config.parallelism(),
                config.hashLength(), Argon2.ID, ARGON2_VERSION);
        byte[] unguessable = new byte[32];
        new SecureRandom().nextBytes(unguessable);
        this.dummyHash = hash(Base64.getEncoder().encodeToString(unguessable));
    }

    /** @return the parameters new hashes are made with */
    public PasswordHashingConfig config() {
        return config;
    }

    /**
     * @return an Argon2id PHC string of {@code password} with a fresh random salt
     * @throws NullPointerException when {@code password} is null
     */
    public String hash(CharSequence password) {
        Objects.requireNonNull(password, "password");
        return Password.hash(password).addRandomSalt(config.saltLength()).with(argon2).getResult();
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
                Argon2Function stored = Argon2Function.getInstanceFromHash(storedHash);
                if (!stored.check(password, storedHash)) {
                    return PasswordVerification.MISMATCH;
                }
                return new PasswordVerification(true, !sameParameters(stored));
            }
            if (storedHash.startsWith("$2a$") || storedHash.startsWith("$2b$") || storedHash.startsWith("$2y$")) {
                boolean matches = BcryptFunction.getInstanceFromHash(storedHash).check(password, storedHash);
                return matches ? new PasswordVerification(true, true) : PasswordVerification.MISMATCH;
            }
        } catch (RuntimeException unusableHash) {
            // A truncated or hand-edited hash is treated like a wrong password: no oracle, no 500.
            return PasswordVerification.MISMATCH;
        }
        return PasswordVerification.MISMATCH;
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

    private boolean sameParameters(Argon2Function stored) {
        return stored.getVariant() == Argon2.ID
                && stored.getVersion() == ARGON2_VERSION
                && stored.getMemory() == config.memoryKib()
                && stored.getIterations() == config.iterations()
                && stored.getParallelism() == config.parallelism()
                && stored.getOutputLength() == config.hashLength();
    }
}
