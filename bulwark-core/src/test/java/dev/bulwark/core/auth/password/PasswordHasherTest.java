package dev.bulwark.core.auth.password;

import com.password4j.BcryptFunction;
import com.password4j.types.Bcrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordHasherTest {

    private static final PasswordHasher HASHER = new PasswordHasher(PasswordHashingConfig.OWASP);

    @Test
    void hashesAreArgon2idPhcStringsWithOwaspParameters() {
        String hash = HASHER.hash("correct horse battery staple");

        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(HASHER.hash("correct horse battery staple")).as("salted").isNotEqualTo(hash);
    }

    @Test
    void theRightPasswordMatchesAndNeedsNoRehash() {
        String hash = HASHER.hash("correct horse battery staple");

        assertThat(HASHER.verify("correct horse battery staple", hash))
                .isEqualTo(new PasswordVerification(true, false));
    }

    @Test
    void aWrongPasswordDoesNotMatch() {
        String hash = HASHER.hash("correct horse battery staple");

        assertThat(HASHER.verify("correct horse battery stapler", hash)).isEqualTo(PasswordVerification.MISMATCH);
    }

    @Test
    void anArgon2idHashWithOldParametersMatchesAndAsksForARehash() {
        PasswordHasher old = new PasswordHasher(new PasswordHashingConfig(4096, 1, 1, 16, 32));
        String oldHash = old.hash("correct horse battery staple");

        assertThat(oldHash).startsWith("$argon2id$v=19$m=4096,t=1,p=1$");
        assertThat(HASHER.verify("correct horse battery staple", oldHash))
                .isEqualTo(new PasswordVerification(true, true));
        assertThat(HASHER.verify("wrong horse battery staple", oldHash)).isEqualTo(PasswordVerification.MISMATCH);
    }

    @Test
    void aRealBcryptHashFromAnotherSystemMatchesAndAsksForARehash() {
        // The OpenBSD/jBCrypt test vector for "U*U".
        String bcrypt = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";

        assertThat(HASHER.verify("U*U", bcrypt)).isEqualTo(new PasswordVerification(true, true));
        assertThat(HASHER.verify("U*V", bcrypt)).isEqualTo(PasswordVerification.MISMATCH);
    }

    @Test
    void bcrypt2bAnd2yHashesAreVerifiedToo() {
        String b = BcryptFunction.getInstance(Bcrypt.B, 6).hash("node-app-password").getResult();
        String y = "$2y$" + b.substring(4);

        assertThat(b).startsWith("$2b$06$");
        assertThat(HASHER.verify("node-app-password", b)).isEqualTo(new PasswordVerification(true, true));
        assertThat(HASHER.verify("node-app-password", y)).isEqualTo(new PasswordVerification(true, true));
        assertThat(HASHER.verify("node-app-passwordX", y)).isEqualTo(PasswordVerification.MISMATCH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plaintext", "$argon2id$v=19$m=19456,t=2,p=1$garbage", "$argon2id$",
            "$2a$05$short", "$1$md5crypt$abcdefghijklmnop", "$argon2id$v=19$m=x,t=y,p=z$c2FsdA$aGFzaA"})
    void aCorruptOrForeignStoredHashIsAMismatchNotAnError(String stored) {
        assertThat(HASHER.verify("whatever password", stored)).isEqualTo(PasswordVerification.MISMATCH);
    }

    @Test
    void aMissingStoredHashIsAMismatch() {
        assertThat(HASHER.verify("whatever password", null)).isEqualTo(PasswordVerification.MISMATCH);
    }

    @Test
    void dummyVerificationNeverMatchesAndCostsAboutAsMuchAsARealOne() {
        String hash = HASHER.hash("correct horse battery staple");
        long real = Long.MAX_VALUE;
        long dummy = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            HASHER.verify("wrong guess for the account", hash);
            real = Math.min(real, System.nanoTime() - start);
            start = System.nanoTime();
            assertThat(HASHER.verifyAgainstDummy("correct horse battery staple"))
                    .isEqualTo(PasswordVerification.MISMATCH);
            dummy = Math.min(dummy, System.nanoTime() - start);
        }

        assertThat((double) dummy).isBetween(real * 0.5, real * 2.0);
    }

    @Test
    void parametersBelowTheArgon2FloorAreRefused() {
        assertThatThrownBy(() -> new PasswordHashingConfig(4, 2, 1, 16, 32))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("argon2 memory must be 8 to 4194304 KiB: 4");
        assertThatThrownBy(() -> new PasswordHashingConfig(19456, 0, 1, 16, 32))
                .hasMessage("argon2 iterations must be 1 to 100: 0");
        assertThatThrownBy(() -> new PasswordHashingConfig(19456, 2, 1, 8, 32))
                .hasMessage("salt length must be 16 to 64 bytes: 8");
    }
}
