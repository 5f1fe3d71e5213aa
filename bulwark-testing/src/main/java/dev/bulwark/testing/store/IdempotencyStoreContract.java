package dev.bulwark.testing.store;

import dev.bulwark.api.store.Claim;
import dev.bulwark.api.store.IdempotencyStore;
import dev.bulwark.api.store.StoredResponse;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link IdempotencyStore} implementation must show; each implementation's test extends
 * this class and supplies the store.
 *
 * <p>Stores receive a {@link FakeClock} and must measure expiry with it (a networked store passes the clock's
 * time into its atomic script), so expiry is tested without sleeping. Keys are random per test, so a shared
 * server needs no cleanup between tests.
 */
public abstract class IdempotencyStoreContract {

    /** The clock given to the store; tests move it. */
    protected final FakeClock clock = new FakeClock();

    private IdempotencyStore store;

    /**
     * @param clock the clock the store must measure expiry with
     * @return a store to test; may share a backend with earlier stores
     */
    protected abstract IdempotencyStore createStore(FakeClock clock);

    @BeforeEach
    void createStoreUnderTest() {
        store = createStore(clock);
    }

    /** @return a key no other test uses */
    protected static String uniqueKey() {
        return "contract:" + UUID.randomUUID();
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("store operation failed", e);
        }
    }

    private static StoredResponse response(String body) {
        return new StoredResponse(201, Map.of("Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});
    }

    @Test
    void firstClaimOfAKeyIsNew() {
        Claim claim = await(store.claim(uniqueKey(), Duration.ofHours(24)));

        assertThat(claim.isNew()).isTrue();
        assertThat(claim.storedResponse()).isEmpty();
    }

    @Test
    void secondClaimOfAKeyIsADuplicateStillInFlight() {
        String key = uniqueKey();
        await(store.claim(key, Duration.ofHours(24)));

        Claim second = await(store.claim(key, Duration.ofHours(24)));

        assertThat(second.outcome()).isEqualTo(Claim.Outcome.DUPLICATE);
        assertThat(second.storedResponse()).isEmpty();
    }

    @Test
    void differentKeysDoNotCollide() {
        await(store.claim(uniqueKey(), Duration.ofHours(1)));

        assertThat(await(store.claim(uniqueKey(), Duration.ofHours(1))).isNew()).isTrue();
    }

    @Test
    void eightThreadsClaimingTheSameKeyGetExactlyOneNew() throws Exception {
        String key = uniqueKey();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Claim>> claims = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                claims.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return await(store.claim(key, Duration.ofHours(24)));
                }));
            }
            ready.await(10, TimeUnit.SECONDS);
            go.countDown();
            long fresh = 0;
            for (Future<Claim> claim : claims) {
                fresh += claim.get(10, TimeUnit.SECONDS).isNew() ? 1 : 0;
            }

            assertThat(fresh).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void claimExpiresAfterItsTtl() {
        String key = uniqueKey();
        await(store.claim(key, Duration.ofMinutes(10)));

        clock.advance(Duration.ofMinutes(9));
        assertThat(await(store.claim(key, Duration.ofMinutes(10))).isNew()).isFalse();

        clock.advance(Duration.ofMinutes(1));
        assertThat(await(store.claim(key, Duration.ofMinutes(10))).isNew()).isTrue();
    }

    @Test
    void releaseLetsTheNextClaimThrough() {
        String key = uniqueKey();
        await(store.claim(key, Duration.ofHours(24)));

        await(store.release(key));

        assertThat(await(store.claim(key, Duration.ofHours(24))).isNew()).isTrue();
    }

    @Test
    void releasingAnUnknownKeyDoesNothing() {
        String key = uniqueKey();

        await(store.release(key));

        assertThat(await(store.claim(key, Duration.ofHours(1))).isNew()).isTrue();
    }

    @Test
    void completedResponseIsReplayedToDuplicates() {
        String key = uniqueKey();
        await(store.claim(key, Duration.ofHours(24)));
        StoredResponse stored = response("{\"order\":42}");

        await(store.complete(key, stored, Duration.ofHours(24)));
        Claim duplicate = await(store.claim(key, Duration.ofHours(24)));

        assertThat(duplicate.isNew()).isFalse();
        assertThat(duplicate.storedResponse()).hasValue(stored);
        StoredResponse replayed = duplicate.storedResponse().orElseThrow();
        assertThat(replayed.status()).isEqualTo(201);
        assertThat(replayed.headers()).containsEntry("content-type", "application/json");
        assertThat(new String(replayed.body(), StandardCharsets.UTF_8)).isEqualTo("{\"order\":42}");
        assertThat(replayed.matchesFingerprint(new byte[] {1, 2, 3})).isTrue();
        assertThat(replayed.matchesFingerprint(new byte[] {1, 2, 4})).isFalse();
    }

    @Test
    void completionRestartsTheTtl() {
        String key = uniqueKey();
        await(store.claim(key, Duration.ofMinutes(1)));
        await(store.complete(key, response("{}"), Duration.ofHours(1)));

        clock.advance(Duration.ofMinutes(30));

        assertThat(await(store.claim(key, Duration.ofMinutes(1))).storedResponse()).isPresent();
    }

    @Test
    void completedResponseExpiresAfterItsTtl() {
        String key = uniqueKey();
        await(store.claim(key, Duration.ofMinutes(1)));
        await(store.complete(key, response("{}"), Duration.ofHours(1)));

        clock.advance(Duration.ofHours(1));

        assertThat(await(store.claim(key, Duration.ofMinutes(1))).isNew()).isTrue();
    }

    @Test
    void emptyKeysAndNonPositiveTtlsAreRefused() {
        assertThatThrownBy(() -> store.claim("", Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.claim(uniqueKey(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.claim(uniqueKey(), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
