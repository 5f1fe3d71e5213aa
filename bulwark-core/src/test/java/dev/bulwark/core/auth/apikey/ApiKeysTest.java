package dev.bulwark.core.auth.apikey;

import dev.bulwark.api.store.ApiKey;
import dev.bulwark.api.store.ApiKeyStore;
import dev.bulwark.api.store.Page;
import dev.bulwark.api.store.StoreUnavailableException;
import dev.bulwark.core.auth.revocation.RevocationList;
import dev.bulwark.core.auth.revocation.RevocationSync;
import dev.bulwark.core.auth.token.MasterKey;
import dev.bulwark.core.store.memory.InMemoryApiKeyStore;
import dev.bulwark.core.store.memory.InMemoryRevocationStore;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeysTest {

    private final FakeClock clock = new FakeClock();
    private final CountingStore store = new CountingStore(new InMemoryApiKeyStore(clock, 1000));
    private final InMemoryRevocationStore revocations = new InMemoryRevocationStore(clock, 1000);
    private final MasterKey masterKey = MasterKey.generate();
    private RevocationSync sync;
    private ApiKeys keys;

    @BeforeEach
    void setUp() {
        sync = new RevocationSync(revocations, new RevocationList(), clock, System::nanoTime);
        keys = new ApiKeys(store, revocations, sync, masterKey, clock);
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private ApiKeys.Created create() throws Exception {
        return await(keys.create("billing export", Set.of("orders:read"), "shop-1",
                clock.instant().plus(Duration.ofDays(90)), "cli"));
    }

    private ApiKeyVerification verify(String presented) throws Exception {
        return await(keys.verify(presented));
    }

    private static ApiKeyFailure failure(ApiKeyVerification verification) {
        assertThat(verification).isInstanceOf(ApiKeyVerification.Refused.class);
        return ((ApiKeyVerification.Refused) verification).failure();
    }

    @Test
    void aCreatedKeyHasTheDocumentedShapeAndVerifies() throws Exception {
        ApiKeys.Created created = create();

        assertThat(created.presented()).hasSize(ApiKeys.LENGTH).hasSize(64)
                .matches(Pattern.compile(ApiKeys.SCANNER_PATTERN))
                .startsWith("bwk_" + created.key().id() + "_");
        assertThat(created.key().id()).matches("[a-z0-9]{16}");
        assertThat(created.key().scopes()).containsExactly("orders:read");
        assertThat(created.key().tenant()).isEqualTo("shop-1");
        assertThat(created.key().createdBy()).isEqualTo("cli");
        assertThat(created.key().createdAt()).isEqualTo(clock.instant());
        assertThat(created.toString()).doesNotContain(created.presented().substring(21));
        ApiKeyVerification verification = verify(created.presented());
        assertThat(verification).isEqualTo(new ApiKeyVerification.Verified(created.key()));
    }

    @Test
    void onlyAKeyedHashOfTheSecretIsStoredNeverTheSecret() throws Exception {
        ApiKeys.Created created = create();
        String secret = created.presented().substring(21);

        ApiKey stored = await(store.findById(created.key().id())).orElseThrow();

        assertThat(stored.secretHash()).startsWith("v1:").doesNotContain(secret).isNotEqualTo(secret);
        assertThat(stored.toString()).doesNotContain(secret).doesNotContain(stored.secretHash());
        // Keyed: another master key hashes the same id and secret differently, so a copied table is useless.
        ApiKeys otherMaster = new ApiKeys(store, revocations, sync, MasterKey.generate(), clock);
        assertThat(otherMaster.hash(created.key().id(), secret)).isNotEqualTo(stored.secretHash());
        assertThat(failure(await(otherMaster.verify(created.presented())))).isEqualTo(ApiKeyFailure.WRONG_SECRET);
    }

    @Test
    void everyKeyIsDifferent() throws Exception {
        ApiKeys.Created first = create();
        ApiKeys.Created second = create();

        assertThat(first.key().id()).isNotEqualTo(second.key().id());
        assertThat(first.presented().substring(21)).isNotEqualTo(second.presented().substring(21));
    }

    static Stream<String> malformed() {
        String valid = "bwk_abcdefghij012345_" + "sEcReT-".repeat(6) + "A";
        return Stream.of(
                "",
                " ",
                valid.substring(0, 63),                                  // truncated secret
                valid + "A",                                             // one character too many
                valid + "A".repeat(10_000),                              // oversized
                "bwx_" + valid.substring(4),                             // wrong prefix
                "BWK_" + valid.substring(4),                             // prefix in another case
                "sk_live_" + valid.substring(8),                         // another vendor's prefix
                valid.substring(0, 20) + "-" + valid.substring(21),      // missing separator
                "bwk_abcdefghij01234_" + "_" + valid.substring(21),      // id one short, separator shifted
                "bwk_ABCDEFGHIJ012345_" + valid.substring(21),           // upper-case id
                "bwk_abcdefghij01234!_" + valid.substring(21),           // bad charset in the id
                valid.substring(0, 40) + "+" + valid.substring(41),      // standard base64, not base64url
                valid.substring(0, 40) + "=" + valid.substring(41),      // padding
                valid.substring(0, 40) + " " + valid.substring(41),      // space
                valid.substring(0, 40) + "\u00e9" + valid.substring(41), // non-ascii
                valid.substring(0, 40) + "\n" + valid.substring(41),     // control character
                "Bearer " + valid.substring(7));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedKeysAreRefusedWithoutAStoreLookup(String presented) throws Exception {
        create();
        int lookups = store.lookups.get();

        assertThat(failure(verify(presented))).isEqualTo(ApiKeyFailure.MALFORMED);
        assertThat(ApiKeys.parse(presented)).isNull();
        assertThat(store.lookups.get()).isEqualTo(lookups);
    }

    @Test
    void aNullKeyIsMalformed() throws Exception {
        assertThat(failure(verify(null))).isEqualTo(ApiKeyFailure.MALFORMED);
    }

    @Test
    void aWellFormedKeyWithAnUnknownIdIsUnknown() throws Exception {
        ApiKeyVerification verification = verify("bwk_zzzzzzzzzzzzzzzz_" + "sEcReT-".repeat(6) + "A");

        assertThat(failure(verification)).isEqualTo(ApiKeyFailure.UNKNOWN);
        assertThat(((ApiKeyVerification.Refused) verification).detail())
                .isEqualTo("api key id is unknown: zzzzzzzzzzzzzzzz");
    }

    @Test
    void anUnknownIdCostsOneStoreReadUntilItsMemoryExpires() throws Exception {
        String sprayed = "bwk_zzzzzzzzzzzzzzzz_" + "sEcReT-".repeat(6) + "A";
        int lookups = store.lookups.get();

        for (int i = 0; i < 5; i++) {
            assertThat(failure(verify(sprayed))).isEqualTo(ApiKeyFailure.UNKNOWN);
        }
        assertThat(store.lookups.get()).isEqualTo(lookups + 1);
        clock.advance(ApiKeys.UNKNOWN_TTL.plusSeconds(1));
        assertThat(failure(verify(sprayed))).isEqualTo(ApiKeyFailure.UNKNOWN);
        assertThat(store.lookups.get()).isEqualTo(lookups + 2);
    }

    @Test
    void theRightIdWithAWrongSecretIsRefusedWhereverTheSecretDiffers() throws Exception {
        ApiKeys.Created created = create();
        String presented = created.presented();
        String prefix = presented.substring(0, 21);
        String secret = presented.substring(21);

        // The comparison covers the whole hash: a secret differing in its first or only in its last character fails.
        String firstDiffers = prefix + (secret.charAt(0) == 'A' ? 'B' : 'A') + secret.substring(1);
        String lastDiffers = prefix + secret.substring(0, 42) + (secret.charAt(42) == 'A' ? 'E' : 'A');
        String marker = prefix + "sEcReT-".repeat(6) + "A";

        for (String wrong : List.of(firstDiffers, lastDiffers, marker)) {
            ApiKeyVerification verification = verify(wrong);
            assertThat(failure(verification)).isEqualTo(ApiKeyFailure.WRONG_SECRET);
            assertThat(((ApiKeyVerification.Refused) verification).detail())
                    .isEqualTo("api key secret does not match: " + created.key().id())
                    .doesNotContain(secret);
        }
        assertThat(verify(presented)).isInstanceOf(ApiKeyVerification.Verified.class);
    }

    @Test
    void aKeyExpiresAtItsExpiryByTheInjectedClock() throws Exception {
        ApiKeys.Created created = create();

        clock.advance(Duration.ofDays(90).minusMillis(1));
        assertThat(verify(created.presented())).isInstanceOf(ApiKeyVerification.Verified.class);

        clock.advance(Duration.ofMillis(1));
        assertThat(failure(verify(created.presented()))).isEqualTo(ApiKeyFailure.EXPIRED);
    }

    @Test
    void aKeyWithoutExpiryKeepsWorking() throws Exception {
        ApiKeys.Created created = await(keys.create("forever", Set.of("*"), null, null, "user-1"));

        clock.advance(Duration.ofDays(3650));

        assertThat(verify(created.presented())).isInstanceOf(ApiKeyVerification.Verified.class);
    }

    @Test
    void aRevokedKeyIsRefusedOnTheNextVerificationHere() throws Exception {
        ApiKeys.Created created = create();
        assertThat(verify(created.presented())).isInstanceOf(ApiKeyVerification.Verified.class);

        Optional<ApiKey> revoked = await(keys.revoke(created.key().id()));

        assertThat(revoked.orElseThrow().revokedAt()).isEqualTo(clock.instant());
        assertThat(failure(verify(created.presented()))).isEqualTo(ApiKeyFailure.REVOKED);
        assertThat(sync.list().isApiKeyRevoked(created.key().id())).isTrue();
    }

    @Test
    void aNodeThatCachedTheKeyRefusesItOnceItsRevocationListLearnsOfTheRevocation() throws Exception {
        ApiKeys.Created created = create();
        RevocationSync otherSync = new RevocationSync(revocations, new RevocationList(), clock, System::nanoTime);
        ApiKeys otherNode = new ApiKeys(store, revocations, otherSync, masterKey, clock);
        assertThat(await(otherNode.verify(created.presented()))).isInstanceOf(ApiKeyVerification.Verified.class);

        await(keys.revoke(created.key().id()));
        // Until its next poll the other node serves its cached record; the poll brings the revocation.
        await(otherSync.poll());
        int lookups = store.lookups.get();

        assertThat(failure(await(otherNode.verify(created.presented())))).isEqualTo(ApiKeyFailure.REVOKED);
        // And it then reads the revoked record instead of trusting the cached one.
        assertThat(failure(await(otherNode.verify(created.presented())))).isEqualTo(ApiKeyFailure.REVOKED);
        assertThat(store.lookups.get()).isEqualTo(lookups + 1);
    }

    @Test
    void theRevocationAnnouncementOutlivesEveryCache() throws Exception {
        ApiKeys.Created created = create();

        await(keys.revoke(created.key().id()));

        clock.advance(ApiKeys.CACHE_TTL.multipliedBy(10));
        await(sync.poll());
        assertThat(sync.list().isApiKeyRevoked(created.key().id())).isTrue();
        clock.advance(ApiKeys.REVOCATION_MEMORY);
        await(sync.poll());
        assertThat(sync.list().isApiKeyRevoked(created.key().id())).isFalse();
        assertThat(failure(verify(created.presented()))).as("the record itself stays revoked")
                .isEqualTo(ApiKeyFailure.REVOKED);
    }

    @Test
    void revokingAnUnknownIdChangesNothing() throws Exception {
        assertThat(await(keys.revoke("zzzzzzzzzzzzzzzz"))).isEmpty();
        assertThat(await(revocations.changesSince(0, 10)).changes()).isEmpty();
    }

    @Test
    void verifiedKeysAreServedFromMemoryUntilTheCacheExpires() throws Exception {
        ApiKeys.Created created = create();
        verify(created.presented());
        int lookups = store.lookups.get();

        for (int i = 0; i < 100; i++) {
            assertThat(verify(created.presented())).isInstanceOf(ApiKeyVerification.Verified.class);
        }
        assertThat(store.lookups.get()).isEqualTo(lookups);

        clock.advance(ApiKeys.CACHE_TTL);
        verify(created.presented());
        assertThat(store.lookups.get()).isEqualTo(lookups + 1);
    }

    @Test
    void lastUseIsRecordedAtMostOnceAMinute() throws Exception {
        ApiKeys.Created created = create();

        verify(created.presented());
        Instant first = clock.instant();
        clock.advance(Duration.ofSeconds(30));
        verify(created.presented());

        assertThat(store.uses.get()).isEqualTo(1);
        assertThat(await(store.findById(created.key().id())).orElseThrow().lastUsedAt()).isEqualTo(first);
        clock.advance(Duration.ofSeconds(30));
        verify(created.presented());
        assertThat(store.uses.get()).isEqualTo(2);
        assertThat(await(store.findById(created.key().id())).orElseThrow().lastUsedAt()).isEqualTo(clock.instant());
    }

    @Test
    void refusedKeysAreNeverRecordedAsUsed() throws Exception {
        ApiKeys.Created created = create();

        verify(created.presented().substring(0, 21) + "sEcReT-".repeat(6) + "A");

        assertThat(store.uses.get()).isZero();
    }

    @Test
    void anUnreachableStoreIsReportedNotMistakenForAnUnknownKey() throws Exception {
        ApiKeys.Created created = create();
        store.down = true;

        assertThat(failure(await(new ApiKeys(store, revocations, sync, masterKey, clock).verify(created.presented()))))
                .isEqualTo(ApiKeyFailure.UNAVAILABLE);
    }

    @Test
    void theListPagesThroughKeysWithoutSecrets() throws Exception {
        ApiKeys.Created a = create();
        ApiKeys.Created b = create();

        Page<ApiKey> page = await(keys.list(null, 10));

        assertThat(page.items()).extracting(ApiKey::id).containsExactlyInAnyOrder(a.key().id(), b.key().id());
        assertThat(page.items().toString()).doesNotContain(a.presented().substring(21))
                .doesNotContain(b.presented().substring(21));
    }

    @Test
    void invalidCreationsAreRefusedNamingTheValue() {
        Instant later = clock.instant().plusSeconds(60);
        assertThatThrownBy(() -> keys.create(" ", Set.of(), null, later, "cli"))
                .hasMessage("api key name must be 1 to 100 printable characters: \" \"");
        assertThatThrownBy(() -> keys.create("x".repeat(101), Set.of(), null, later, "cli"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.create("n\u001b[31m", Set.of(), null, later, "cli"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.create("n", Set.of("orders:{action}"), null, later, "cli"))
                .hasMessageStartingWith("api key scope \"orders:{action}\" is not a permission");
        assertThatThrownBy(() -> keys.create("n", Set.of("orders read"), null, later, "cli"))
                .hasMessageStartingWith("api key scope \"orders read\" is not a permission");
        assertThatThrownBy(() -> keys.create("n", Set.of(), "shop 1", later, "cli"))
                .hasMessage("api key tenant must be 1 to 128 characters without spaces: \"shop 1\"");
        assertThatThrownBy(() -> keys.create("n", Set.of(), null, clock.instant(), "cli"))
                .hasMessage("api key expiry must be in the future: 2025-01-01T00:00:00Z");
        assertThatThrownBy(() -> keys.create("n", Set.of(), null, null, " "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The in-memory store, counting lookups and recorded uses, and able to play an unreachable database. */
    private static final class CountingStore implements ApiKeyStore {
        private final ApiKeyStore delegate;
        final AtomicInteger lookups = new AtomicInteger();
        final AtomicInteger uses = new AtomicInteger();
        volatile boolean down;

        CountingStore(ApiKeyStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletionStage<Boolean> create(ApiKey key) {
            return delegate.create(key);
        }

        @Override
        public CompletionStage<Optional<ApiKey>> findById(String id) {
            lookups.incrementAndGet();
            return down ? CompletableFuture.failedFuture(new StoreUnavailableException("database down"))
                    : delegate.findById(id);
        }

        @Override
        public CompletionStage<Optional<ApiKey>> revoke(String id) {
            return delegate.revoke(id);
        }

        @Override
        public CompletionStage<Void> recordUse(String id, Instant at) {
            uses.incrementAndGet();
            return delegate.recordUse(id, at);
        }

        @Override
        public CompletionStage<Page<ApiKey>> list(String after, int limit) {
            return delegate.list(after, limit);
        }
    }
}
