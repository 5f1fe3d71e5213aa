package dev.bulwark.core.auth.password;

import com.password4j.BcryptFunction;
import com.password4j.types.Bcrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Runs on both engines where the engine matters; {@code HASHER} is the default (native here). */
class PasswordHasherTest {

    private static final PasswordHasher HASHER = new PasswordHasher(PasswordHashingConfig.OWASP);
    private static final PasswordHasher JAVA = hasher(Argon2Engine.JAVA);
    private static final PasswordHasher NATIVE = hasher(Argon2Engine.NATIVE);

    private static PasswordHasher hasher(Argon2Engine engine) {
        return new PasswordHasher(PasswordHashingConfig.OWASP.withEngine(engine));
    }

    private static PasswordHasher on(Argon2Engine engine) {
        return engine == Argon2Engine.JAVA ? JAVA : NATIVE;
    }

    @Test
    void theDefaultEngineIsTheNativeLibraryWhereItLoads() {
        assertThat(HASHER.engine()).isEqualTo("libargon2 (native)");
        assertThat(JAVA.engine()).isEqualTo("password4j (Java)");
    }

    @ParameterizedTest
    @EnumSource(value = Argon2Engine.class, names = {"NATIVE", "JAVA"})
    void hashesAreArgon2idPhcStringsWithOwaspParameters(Argon2Engine engine) {
        String hash = on(engine).hash("correct horse battery staple");

        assertThat(hash).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(on(engine).hash("correct horse battery staple")).as("salted").isNotEqualTo(hash);
    }

    @ParameterizedTest
    @EnumSource(value = Argon2Engine.class, names = {"NATIVE", "JAVA"})
    void theRightPasswordMatchesAndNeedsNoRehash(Argon2Engine engine) {
        String hash = on(engine).hash("correct horse battery staple");

        assertThat(on(engine).verify("correct horse battery staple", hash))
                .isEqualTo(new PasswordVerification(true, false));
    }

    @ParameterizedTest
    @EnumSource(value = Argon2Engine.class, names = {"NATIVE", "JAVA"})
    void aWrongPasswordDoesNotMatch(Argon2Engine engine) {
        String hash = on(engine).hash("correct horse battery staple");

        assertThat(on(engine).verify("correct horse battery stapler", hash)).isEqualTo(PasswordVerification.MISMATCH);
    }

    @Test
    void eachEngineVerifiesTheOthersHashesIncludingNonAsciiPasswords() {
        String password = "pässwörd € 🔐 пароль";
        String byNative = NATIVE.hash(password);
        String byJava = JAVA.hash(password);

        assertThat(JAVA.verify(password, byNative)).isEqualTo(new PasswordVerification(true, false));
        assertThat(NATIVE.verify(password, byJava)).isEqualTo(new PasswordVerification(true, false));
        assertThat(JAVA.verify("passwörd € 🔐 пароль", byNative)).isEqualTo(PasswordVerification.MISMATCH);
        assertThat(NATIVE.verify("passwörd € 🔐 пароль", byJava)).isEqualTo(PasswordVerification.MISMATCH);
    }

    /**
     * "password" with salt "somesalt": the Argon2id and Argon2i strings are the reference implementation's test
     * vectors (its test.c); the Argon2d one was computed here, and both engines agree on it.
     */
    @ParameterizedTest
    @EnumSource(value = Argon2Engine.class, names = {"NATIVE", "JAVA"})
    void vectorsOfEveryVariantVerifyAndAskForARehash(Argon2Engine engine) {
        String[] vectors = {
                "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA",
                "$argon2d$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$lV5dWxY6G2C7o1/DbQSWR0+6T2tZrVNihmbwf7L5Pq8",
        };
        for (String vector : vectors) {
            assertThat(on(engine).verify("password", vector)).as(vector)
                    .isEqualTo(new PasswordVerification(true, true));
            assertThat(on(engine).verify("passwore", vector)).as(vector).isEqualTo(PasswordVerification.MISMATCH);
        }
    }

    /**
     * Why the native engine is the default: a login flood's garbage is what stalled proxied requests
     * (docs/benchmarks.md). Allocation is counted, not timed.
     */
    @Test
    void aNativeHashLeavesAlmostNoGarbageWhereAJavaHashLeavesItsWholeMatrix() {
        NATIVE.hash("warm-up");
        JAVA.hash("warm-up");

        long nativeBytes = allocatedBy(() -> NATIVE.hash("correct horse battery staple"));
        long javaBytes = allocatedBy(() -> JAVA.hash("correct horse battery staple"));

        assertThat(nativeBytes).isLessThan(64 * 1024);
        assertThat(javaBytes).isGreaterThan(19L * 1024 * 1024);
    }

    private static long allocatedBy(Runnable work) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        work.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    @ParameterizedTest
    @EnumSource(value = Argon2Engine.class, names = {"NATIVE", "JAVA"})
    void anArgon2idHashWithOldParametersMatchesAndAsksForARehash(Argon2Engine engine) {
        PasswordHasher old = new PasswordHasher(new PasswordHashingConfig(4096, 1, 1, 16, 32, engine));
        String oldHash = old.hash("correct horse battery staple");

        assertThat(oldHash).startsWith("$argon2id$v=19$m=4096,t=1,p=1$");
        assertThat(on(engine).verify("correct horse battery staple", oldHash))
                .isEqualTo(new PasswordVerification(true, true));
        assertThat(on(engine).verify("wrong horse battery staple", oldHash)).isEqualTo(PasswordVerification.MISMATCH);
    }

    @Test
    void aHashOfAnotherLengthAsksForARehash() {
        String shorter = new PasswordHasher(new PasswordHashingConfig(19456, 2, 1, 16, 16)).hash("correct horse");

        assertThat(HASHER.verify("correct horse", shorter)).isEqualTo(new PasswordVerification(true, true));
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
            "$2a$05$short", "$1$md5crypt$abcdefghijklmnop", "$argon2id$v=19$m=x,t=y,p=z$c2FsdA$aGFzaA",
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$",
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc$extra",
            "$argon2id$v=18$m=19456,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=1,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=19456,t=0,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=19456,t=2,p=0$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=19456,t=2,p=1$c29t!XNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2x$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"})
    void aCorruptOrForeignStoredHashIsAMismatchNotAnError(String stored) {
        assertThat(NATIVE.verify("password", stored)).isEqualTo(PasswordVerification.MISMATCH);
        assertThat(JAVA.verify("password", stored)).isEqualTo(PasswordVerification.MISMATCH);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "$argon2id$v=19$m=999999999,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=19456,t=999999999,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=65536,t=2,p=255$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$2a$31$PZDT9yk8s1x3Xp8yqtUmuOhhOwc6Jc0zIOqQcZ6xVxQ8E8tM8Tn4y"})
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aStoredHashAskingForMoreThanHashingMayBeConfiguredToSpendIsAMismatchAtOnce(String stored) {
        // Without the bound: the Java engine runs out of heap on m, and t or the bcrypt cost hold the thread for days.
        assertThat(JAVA.verify("password", stored)).isEqualTo(PasswordVerification.MISMATCH);
        assertThat(NATIVE.verify("password", stored)).isEqualTo(PasswordVerification.MISMATCH);
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
