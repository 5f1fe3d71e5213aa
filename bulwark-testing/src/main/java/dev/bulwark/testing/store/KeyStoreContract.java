package dev.bulwark.testing.store;

import dev.bulwark.api.store.KeyStatus;
import dev.bulwark.api.store.KeyStore;
import dev.bulwark.api.store.SigningKey;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

import static dev.bulwark.testing.store.Concurrently.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link KeyStore} implementation must show: one active key, atomic first-start and
 * rotation, retiring keys that verify until their time. Each implementation's test extends this class.
 *
 * <p>The key ring is global, so unlike the other contracts each test needs an <em>empty</em> store:
 * {@link #createStore} must clear any shared backend.
 */
public abstract class KeyStoreContract {

    /** The clock given to the store; tests move it. */
    protected final FakeClock clock = new FakeClock();

    private KeyStore store;

    /**
     * @param clock the clock the store must measure activation and retirement with
     * @return an empty store to test
     */
    protected abstract KeyStore createStore(FakeClock clock);

    @BeforeEach
    void createStoreUnderTest() {
        store = createStore(clock);
    }

    private SigningKey key(String kid) {
        return SigningKey.generated(kid, "EdDSA", "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + kid + "\"}",
                new byte[] {1, 2, 3, (byte) 0xff, 0}, clock.instant());
    }

    @Test
    void anEmptyRingHasNoActiveKey() {
        assertThat(await(store.activeKey())).isEmpty();
        assertThat(await(store.verificationKeys())).isEmpty();
    }

    @Test
    void initializeInstallsTheCandidateWithItsEncryptedPrivateKeyIntact() {
        clock.advance(Duration.ofSeconds(3));

        SigningKey active = await(store.initialize(key("k1")));

        assertThat(active.kid()).isEqualTo("k1");
        assertThat(active.status()).isEqualTo(KeyStatus.ACTIVE);
        assertThat(active.activatedAt()).isEqualTo(clock.instant());
        assertThat(active.encryptedPrivateKey()).containsExactly(1, 2, 3, 0xff, 0);
        assertThat(await(store.activeKey())).hasValue(active);
        assertThat(await(store.find("k1"))).hasValue(active);
        assertThat(await(store.find("nope"))).isEmpty();
    }

    @Test
    void aSecondInitializeKeepsTheFirstKey() {
        SigningKey first = await(store.initialize(key("k1")));

        assertThat(await(store.initialize(key("k2")))).isEqualTo(first);
        assertThat(await(store.verificationKeys())).containsExactly(first);
    }

    @Test
    void eightNodesStartingAtOnceAgreeOnOneKey() throws Exception {
        List<SigningKey> winners = Concurrently.run(8, i -> store.initialize(key("node-" + i)));

        assertThat(winners).extracting(SigningKey::kid).containsOnly(winners.get(0).kid());
        assertThat(await(store.verificationKeys())).hasSize(1);
    }

    @Test
    void rotationDemotesTheOldKeyWhichVerifiesUntilItRetires() {
        SigningKey first = await(store.initialize(key("k1")));
        clock.advance(Duration.ofDays(30));

        SigningKey second = await(store.rotate(key("k2"), Duration.ofMinutes(15)));

        assertThat(second.status()).isEqualTo(KeyStatus.ACTIVE);
        assertThat(second.activatedAt()).isEqualTo(clock.instant());
        assertThat(await(store.activeKey())).hasValue(second);
        List<SigningKey> verifying = await(store.verificationKeys());
        assertThat(verifying).extracting(SigningKey::kid).containsExactly("k2", "k1");
        assertThat(verifying.get(1).status()).isEqualTo(KeyStatus.RETIRING);
        assertThat(verifying.get(1).retireAfter()).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
        assertThat(verifying.get(1).activatedAt()).isEqualTo(first.activatedAt());

        clock.advance(Duration.ofMinutes(15));

        assertThat(await(store.verificationKeys())).extracting(SigningKey::kid).containsExactly("k2");
        assertThat(await(store.find("k1"))).isEmpty();
    }

    @Test
    void severalRetiringKeysAreListedNewestFirst() {
        await(store.initialize(key("k1")));
        clock.advance(Duration.ofMinutes(1));
        await(store.rotate(key("k2"), Duration.ofHours(1)));
        clock.advance(Duration.ofMinutes(1));
        await(store.rotate(key("k3"), Duration.ofHours(1)));

        assertThat(await(store.verificationKeys())).extracting(SigningKey::kid).containsExactly("k3", "k2", "k1");
    }

    @Test
    void rotatingOnAnEmptyRingJustActivates() {
        SigningKey active = await(store.rotate(key("k1"), Duration.ofHours(1)));

        assertThat(await(store.activeKey())).hasValue(active);
    }

    @Test
    void aKeyIdIsNeverReused() {
        await(store.initialize(key("k1")));

        assertThatThrownBy(() -> store.rotate(key("k1"), Duration.ofHours(1)).toCompletableFuture().join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("key id already used: k1");
        assertThat(await(store.verificationKeys())).hasSize(1);
    }

    @Test
    void concurrentRotationsLeaveExactlyOneActiveKey() throws Exception {
        await(store.initialize(key("k0")));

        Concurrently.run(8, i -> store.rotate(key("r" + i), Duration.ofHours(1)));

        List<SigningKey> keys = await(store.verificationKeys());
        assertThat(keys).hasSize(9);
        assertThat(keys).filteredOn(k -> k.status() == KeyStatus.ACTIVE).hasSize(1);
    }

    @Test
    void theEncryptedPrivateKeyNeverAppearsInToString() {
        assertThat(key("k1").toString()).doesNotContain("[1, 2, 3").doesNotContain("encrypted");
        assertThatThrownBy(() -> key("x".repeat(SigningKey.MAX_KID_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
