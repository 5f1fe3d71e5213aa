package dev.bulwark.testing.store;

import dev.bulwark.api.store.ApiKey;
import dev.bulwark.api.store.ApiKeyStore;
import dev.bulwark.api.store.Page;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.bulwark.testing.store.Concurrently.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link ApiKeyStore} implementation must show; each implementation's test extends this class
 * and supplies the store.
 *
 * <p>Ids are random per test and listings start after a per-test prefix, so a shared database needs no cleanup
 * between tests.
 */
public abstract class ApiKeyStoreContract {

    /** The clock given to the store; tests move it. */
    protected final FakeClock clock = new FakeClock();

    private ApiKeyStore store;

    /**
     * @param clock the clock the store must take revocation times from
     * @return a store to test; may share a backend with earlier stores
     */
    protected abstract ApiKeyStore createStore(FakeClock clock);

    @BeforeEach
    void createStoreUnderTest() {
        store = createStore(clock);
    }

    /** @return a fresh id of the shape keys get: lower-case letters and digits */
    private static String id() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    private ApiKey key(String id) {
        return new ApiKey(id, "billing export", "v1:hash-of-" + id, Set.of("orders:read", "invoices:*"), "shop-1",
                "cli", clock.instant(), clock.instant().plus(Duration.ofDays(90)), null, null);
    }

    @Test
    void aCreatedKeyIsFoundByIdExactlyAsStored() {
        ApiKey key = key(id());

        assertThat(await(store.create(key))).isTrue();

        assertThat(await(store.findById(key.id()))).hasValue(key);
    }

    @Test
    void aKeyWithoutTenantOrExpiryRoundTrips() {
        ApiKey key = new ApiKey(id(), "ops", "v1:h", Set.of(), null, "user-1", clock.instant(), null, null, null);

        await(store.create(key));

        ApiKey found = await(store.findById(key.id())).orElseThrow();
        assertThat(found).isEqualTo(key);
        assertThat(found.scopes()).isEmpty();
        assertThat(found.isUsableAt(clock.instant().plus(Duration.ofDays(3650)))).isTrue();
    }

    @Test
    void aReusedIdIsRefusedAndTheFirstKeyIsKept() {
        ApiKey first = key(id());
        await(store.create(first));

        ApiKey second = new ApiKey(first.id(), "impostor", "v1:other", Set.of("*"), null, "cli", clock.instant(),
                null, null, null);

        assertThat(await(store.create(second))).isFalse();
        assertThat(await(store.findById(first.id()))).hasValue(first);
    }

    @Test
    void eightConcurrentCreationsOfOneIdStoreExactlyOne() throws Exception {
        String id = id();

        List<Boolean> results = Concurrently.run(8, i -> store.create(key(id)));

        assertThat(results).filteredOn(Boolean::booleanValue).hasSize(1);
    }

    @Test
    void unknownIdsAreEmptyNotErrors() {
        String id = id();

        assertThat(await(store.findById(id))).isEmpty();
        assertThat(await(store.revoke(id))).isEmpty();
        await(store.recordUse(id, clock.instant()));
        assertThat(await(store.findById(id))).isEmpty();
    }

    @Test
    void revokingSetsTheTimeOnceAndASecondRevokeKeepsIt() {
        ApiKey key = key(id());
        await(store.create(key));
        clock.advance(Duration.ofMinutes(5));
        Instant revokedAt = clock.instant();

        ApiKey revoked = await(store.revoke(key.id())).orElseThrow();
        clock.advance(Duration.ofMinutes(5));
        ApiKey again = await(store.revoke(key.id())).orElseThrow();

        assertThat(revoked.revokedAt()).isEqualTo(revokedAt);
        assertThat(again.revokedAt()).isEqualTo(revokedAt);
        assertThat(again.isUsableAt(clock.instant())).isFalse();
        assertThat(await(store.findById(key.id())).orElseThrow().revokedAt()).isEqualTo(revokedAt);
    }

    @Test
    void aRecordedUseOnlyMovesLastUsedForward() {
        ApiKey key = key(id());
        await(store.create(key));
        Instant first = clock.instant().plus(Duration.ofMinutes(2));
        Instant earlier = clock.instant().plus(Duration.ofMinutes(1));

        await(store.recordUse(key.id(), first));
        await(store.recordUse(key.id(), earlier));

        assertThat(await(store.findById(key.id())).orElseThrow().lastUsedAt()).isEqualTo(first);
        Instant later = first.plus(Duration.ofMinutes(1));
        await(store.recordUse(key.id(), later));
        assertThat(await(store.findById(key.id())).orElseThrow().lastUsedAt()).isEqualTo(later);
    }

    @Test
    void theListIsOrderedByIdInPagesAndIncludesRevokedKeys() {
        // Ids sharing a random prefix sort together, after whatever earlier tests left in a shared database.
        String prefix = id().substring(0, 10);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(prefix + "0" + i);
            await(store.create(key(prefix + "0" + i)));
        }
        await(store.revoke(ids.get(2)));

        List<String> seen = new ArrayList<>();
        String cursor = prefix;
        Page<ApiKey> page;
        do {
            page = await(store.list(cursor, 2));
            assertThat(page.items()).hasSizeLessThanOrEqualTo(2);
            page.items().stream().map(ApiKey::id).filter(id -> id.startsWith(prefix)).forEach(seen::add);
            cursor = page.nextCursor();
        } while (page.next().isPresent() && seen.size() < ids.size());

        assertThat(seen).containsExactlyElementsOf(ids);
        Page<ApiKey> firstTwo = await(store.list(prefix, 2));
        assertThat(firstTwo.items()).extracting(ApiKey::id).containsExactly(ids.get(0), ids.get(1));
        assertThat(firstTwo.nextCursor()).isEqualTo(ids.get(1));
    }

    @Test
    void theLastPageHasNoCursor() {
        String last = "zzzzzzzzzzzzzzzz";
        await(store.create(key(last)));

        Page<ApiKey> page = await(store.list(last.substring(0, 15), 10));

        assertThat(page.items()).extracting(ApiKey::id).endsWith(last);
        assertThat(page.next()).isEmpty();
    }

    @Test
    void badPageSizesAreRefused() {
        assertThatThrownBy(() -> store.list(null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.list(null, Page.MAX_SIZE + 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
