package dev.bulwark.core.auth.token;

import com.nimbusds.jose.jwk.JWK;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyEncryptionTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static byte[] randomKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private final KeyEncryption encryption = new KeyEncryption(MasterKey.of(randomKey()));
    private final JWK key = SigningKeys.generate(TokenAlgorithm.EDDSA);

    @Test
    void aSealedKeyOpensToTheSamePrivateKey() {
        byte[] sealed = encryption.seal(key);

        assertThat(encryption.open(key.getKeyID(), sealed)).isEqualTo(key);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1))
                .doesNotContain(key.toOctetKeyPair().getD().toString());
        assertThat(sealed[0]).isEqualTo((byte) 1);
        assertThat(encryption.seal(key)).as("fresh nonce each time").isNotEqualTo(sealed);
    }

    @Test
    void aSealedKeyMovedToAnotherKidDoesNotOpen() {
        byte[] sealed = encryption.seal(key);

        assertThatThrownBy(() -> encryption.open("another-kid", sealed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("signing key does not decrypt (wrong master key or tampered data): another-kid");
    }

    @Test
    void aTamperedOrTruncatedSealedKeyDoesNotOpen() {
        byte[] sealed = encryption.seal(key);
        byte[] flipped = sealed.clone();
        flipped[20] ^= 1;

        assertThatThrownBy(() -> encryption.open(key.getKeyID(), flipped)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encryption.open(key.getKeyID(), Arrays.copyOf(sealed, 20)))
                .hasMessage("sealed signing key is malformed: " + key.getKeyID());
    }

    @Test
    void anotherMasterKeyCannotOpenIt() {
        byte[] sealed = encryption.seal(key);

        assertThatThrownBy(() -> new KeyEncryption(MasterKey.of(randomKey())).open(key.getKeyID(), sealed))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wrong master key");
    }

    @Test
    void weakMasterKeysAreRefused() {
        assertThatThrownBy(() -> MasterKey.of(new byte[16])).hasMessage("master key must be 32 bytes: 16");
        assertThatThrownBy(() -> MasterKey.of(new byte[32]))
                .hasMessage("master key is not random: too few distinct bytes");
        assertThatThrownBy(() -> MasterKey.of("sEcReT-Quick-brown-fox-jumps-0v3".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageStartingWith("master key is text, not random bytes");
        assertThatThrownBy(() -> MasterKey.fromBase64("not base64 at all!"))
                .hasMessage("master key is not base64");
    }

    @Test
    void aMasterKeyIsReadFromABase64File(@TempDir Path dir) throws Exception {
        byte[] bytes = randomKey();
        Path file = dir.resolve("master.key");
        Files.writeString(file, Base64.getEncoder().encodeToString(bytes) + "\n");

        byte[] sealed = new KeyEncryption(MasterKey.fromFile(file)).seal(key);

        assertThat(new KeyEncryption(MasterKey.of(bytes)).open(key.getKeyID(), sealed)).isEqualTo(key);
        assertThat(MasterKey.fromFile(file).toString()).isEqualTo("MasterKey[redacted]");
    }
}
