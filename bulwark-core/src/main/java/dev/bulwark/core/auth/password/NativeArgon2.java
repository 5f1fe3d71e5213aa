package dev.bulwark.core.auth.password;

import de.mkammerer.argon2.Argon2;
import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Factory.Argon2Types;

import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Argon2 by the reference C implementation (libargon2, which argon2-jvm bundles for Linux, macOS and Windows),
 * called through JNA. The memory matrix is allocated and freed natively, so a hash leaves about 2 KB of Java
 * garbage instead of the matrix itself. Passwords are encoded as UTF-8, as password4j does.
 */
final class NativeArgon2 implements Argon2Implementation {

    private final PasswordHashingConfig config;
    private final Argon2Advanced argon2id;
    private final Map<String, Argon2> byVariant;

    /**
     * Loads the native library now, with one tiny hash, so that a platform without it fails at start-up.
     *
     * @throws LinkageError when libargon2 cannot be loaded here
     */
    NativeArgon2(PasswordHashingConfig config) {
        this.config = config;
        this.argon2id = Argon2Factory.createAdvanced(Argon2Types.ARGON2id, config.saltLength(), config.hashLength());
        this.byVariant = Map.of("argon2id", argon2id, "argon2i", Argon2Factory.create(Argon2Types.ARGON2i),
                "argon2d", Argon2Factory.create(Argon2Types.ARGON2d));
        argon2id.hash(1, 8, 1, new char[0], StandardCharsets.UTF_8);
    }

    @Override
    public String hash(CharSequence password) {
        char[] chars = toChars(password);
        try {
            return argon2id.hash(config.iterations(), config.memoryKib(), config.parallelism(), chars,
                    StandardCharsets.UTF_8);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    @Override
    public boolean matches(CharSequence password, Argon2Phc stored) {
        char[] chars = toChars(password);
        try {
            return byVariant.get(stored.variant()).verify(stored.encoded(), chars, StandardCharsets.UTF_8);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    private static char[] toChars(CharSequence password) {
        char[] chars = new char[password.length()];
        CharBuffer.wrap(password).get(chars);
        return chars;
    }

    @Override
    public String toString() {
        return "libargon2 (native)";
    }
}
