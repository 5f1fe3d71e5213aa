package dev.bulwark.core.auth.password;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/** Argon2 by password4j, in pure Java: each hash allocates its memory matrix on the heap. */
final class JavaArgon2 implements Argon2Implementation {

    private final PasswordHashingConfig config;
    private final Argon2Function argon2id;

    JavaArgon2(PasswordHashingConfig config) {
        this.config = config;
        this.argon2id = Argon2Function.getInstance(config.memoryKib(), config.iterations(), config.parallelism(),
                config.hashLength(), Argon2.ID, Argon2Function.ARGON2_VERSION_13);
    }

    @Override
    public String hash(CharSequence password) {
        return Password.hash(password).addRandomSalt(config.saltLength()).with(argon2id).getResult();
    }

    @Override
    public boolean matches(CharSequence password, Argon2Phc stored) {
        return Argon2Function.getInstanceFromHash(stored.encoded()).check(password, stored.encoded());
    }

    @Override
    public String toString() {
        return "password4j (Java)";
    }
}
