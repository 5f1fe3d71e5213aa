package dev.bulwark.core.auth.apikey;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bulwark.api.store.ApiKey;
import dev.bulwark.api.store.ApiKeyStore;
import dev.bulwark.api.store.Page;
import dev.bulwark.api.store.RevocationStore;
import dev.bulwark.core.auth.revocation.RevocationSync;
import dev.bulwark.core.auth.token.MasterKey;
import dev.bulwark.core.authz.AuthorizationFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Issues, lists, revokes and verifies API keys for machine clients.
 *
 * <p><b>Format.</b> A presented key is {@code bwk_<id>_<secret>}: the prefix {@value #PREFIX}, a public id of
 * {@value #ID_LENGTH} characters {@code [a-z0-9]}, {@code _}, and a secret of 256 random bits in base64url
 * ({@value #SECRET_LENGTH} characters), {@value #LENGTH} characters in all; secret scanners match
 * {@link #SCANNER_PATTERN}. Only an HMAC-SHA256 of the id and secret is stored, under a key derived from the master
 * key, so a copy of the store does not yield usable keys (and changing the master key voids every key).
 *
 * <p><b>Verification</b> parses strictly, hashes, finds the key by id and compares hashes with
 * {@link MessageDigest#isEqual}. Found keys are cached per node for {@link #CACHE_TTL}, so a busy client costs no
 * store round trip; revocation is checked on every request against this node's revocation list, which
 * {@link #revoke} feeds at once here and through the revocation feed on every other node, so a cached key is
 * refused from the next request after the list learns of it. Expiry is checked on every request with the
 * injected clock. {@code lastUsedAt} is written at most once per {@link #USE_RECORDING_INTERVAL} per key and
 * node, without the request waiting for it.
 *
 * <p>Thread-safe. Invalid arguments to {@link #create} throw {@link IllegalArgumentException} naming the value;
 * store failures fail the returned stages (verification instead reports {@link ApiKeyFailure#UNAVAILABLE}).
 */
public final class ApiKeys {

    /** What every presented key starts with. */
    public static final String PREFIX = "bwk_";
    /** Characters of the public id. */
    public static final int ID_LENGTH = 16;
    /** Characters of the secret: 32 random bytes in unpadded base64url. */
    public static final int SECRET_LENGTH = 43;
    /** Characters of a whole presented key. */
    public static final int LENGTH = PREFIX.length() + ID_LENGTH + 1 + SECRET_LENGTH;
    /** A regular expression matching a presented key, for secret scanners. */
    public static final String SCANNER_PATTERN = "bwk_[a-z0-9]{16}_[A-Za-z0-9_-]{43}";
    /** How long a node trusts a key record it read, revocation aside (which is checked on every request). */
    public static final Duration CACHE_TTL = Duration.ofSeconds(30);
    /** How long a node remembers that an id is unknown (a created key's id is new, so nothing waits on this). */
    public static final Duration UNKNOWN_TTL = Duration.ofSeconds(5);
    /** How many key records a node caches. */
    public static final int CACHE_SIZE = 10_000;
    /** {@code lastUsedAt} is written at most this often per key and node. */
    public static final Duration USE_RECORDING_INTERVAL = Duration.ofMinutes(1);
    /**
     * How long a revocation stays in the feed: far longer than any node caches a key, after which the key's own
     * record keeps it revoked.
     */
    public static final Duration REVOCATION_MEMORY = Duration.ofHours(1);
    /** The longest name a key may have. */
    public static final int MAX_NAME_LENGTH = 100;

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String HASH_VERSION = "v1:";
    private static final int CREATE_ATTEMPTS = 3;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /**
     * A key just created: its record and the full key to hand to the client, which is not kept anywhere and
     * cannot be shown again. {@link #toString()} leaves the key out.
     *
     * @param key       the stored record
     * @param presented the key the client sends, {@code bwk_<id>_<secret>}
     */
    public record Created(ApiKey key, String presented) {
        public Created {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(presented, "presented");
        }

        @Override
        public String toString() {
            return "Created[key=" + key + ", presented=(redacted)]";
        }
    }

    private final ApiKeyStore store;
    private final RevocationStore revocations;
    private final RevocationSync sync;
    private final SecretKeySpec hashKey;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Cache<String, ApiKey> records;
    /** Ids the store did not know: a spray of well-formed keys with random ids costs a read each only once. */
    private final Cache<String, Boolean> unknown;
    private final Cache<String, Boolean> recentlyRecorded;

    /**
     * @param store       where keys are kept
     * @param revocations where revocations are announced to every node
     * @param sync        this node's revocation list and the way to apply a revocation to it at once
     * @param masterKey   derives the key that hashes secrets
     * @param clock       creation, expiry and use times
     */
    public ApiKeys(ApiKeyStore store, RevocationStore revocations, RevocationSync sync, MasterKey masterKey,
                   Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.revocations = Objects.requireNonNull(revocations, "revocations");
        this.sync = Objects.requireNonNull(sync, "sync");
        this.hashKey = new SecretKeySpec(masterKey.derive("bulwark api key v1"), "HmacSHA256");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.records = Caffeine.newBuilder().maximumSize(CACHE_SIZE).expireAfterWrite(CACHE_TTL)
                .ticker(() -> clock.millis() * 1_000_000L).executor(Runnable::run).build();
        this.unknown = Caffeine.newBuilder().maximumSize(CACHE_SIZE).expireAfterWrite(UNKNOWN_TTL)
                .ticker(() -> clock.millis() * 1_000_000L).executor(Runnable::run).build();
        this.recentlyRecorded = Caffeine.newBuilder().maximumSize(CACHE_SIZE)
                .expireAfterWrite(USE_RECORDING_INTERVAL).ticker(() -> clock.millis() * 1_000_000L)
                .executor(Runnable::run).build();
    }

    /**
     * Creates a key with a fresh id and secret.
     *
     * @param name      a label, 1 to {@value #MAX_NAME_LENGTH} printable characters
     * @param scopes    the permissions it grants, each a permission pattern ({@code orders:read}, {@code orders:*})
     * @param tenant    the tenant it acts for, or {@code null}
     * @param expiresAt when it stops working, or {@code null} for never; must be in the future
     * @param createdBy who creates it (a user id, {@code cli})
     * @return the record and the full key, which is shown once
     * @throws IllegalArgumentException naming the bad value when an argument is invalid
     */
    public CompletionStage<Created> create(String name, Set<String> scopes, String tenant, Instant expiresAt,
                                           String createdBy) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH
                || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("api key name must be 1 to " + MAX_NAME_LENGTH
                    + " printable characters: " + (name == null ? "null" : "\"" + name + "\""));
        }
        Objects.requireNonNull(scopes, "scopes");
        for (String scope : scopes) {
            String problem = AuthorizationFilter.grantProblem(scope);
            if (problem != null) {
                throw new IllegalArgumentException("api key scope " + problem);
            }
        }
        if (tenant != null && (tenant.isBlank() || tenant.length() > 128
                || tenant.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c)))) {
            throw new IllegalArgumentException("api key tenant must be 1 to 128 characters without spaces: \""
                    + tenant + "\"");
        }
        Instant now = Instant.ofEpochMilli(clock.millis());
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw new IllegalArgumentException("api key expiry must be in the future: " + expiresAt);
        }
        if (createdBy == null || createdBy.isBlank()) {
            throw new IllegalArgumentException("api key creator must not be blank: " + createdBy);
        }
        return attempt(name, Set.copyOf(scopes), tenant, expiresAt, createdBy, now, 1);
    }

    private CompletionStage<Created> attempt(String name, Set<String> scopes, String tenant, Instant expiresAt,
                                             String createdBy, Instant now, int attempt) {
        String id = randomId();
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String secret = B64.encodeToString(secretBytes);
        ApiKey key = new ApiKey(id, name, hash(id, secret), scopes, tenant, createdBy, now, expiresAt, null, null);
        return store.create(key).thenCompose(stored -> {
            if (stored) {
                unknown.invalidate(id);
                return CompletableFuture.completedFuture(new Created(key, PREFIX + id + "_" + secret));
            }
            // 82 random bits make a collision all but impossible; a store that keeps answering "taken" is broken.
            if (attempt == CREATE_ATTEMPTS) {
                throw new IllegalStateException("api key store reports every new id as taken");
            }
            return attempt(name, scopes, tenant, expiresAt, createdBy, now, attempt + 1);
        });
    }

    /**
     * @param after the cursor of the previous page, or {@code null}
     * @param limit 1 to {@link Page#MAX_SIZE}
     * @return keys ordered by id, revoked and expired ones included
     * @throws IllegalArgumentException when {@code limit} is out of range
     */
    public CompletionStage<Page<ApiKey>> list(String after, int limit) {
        return store.list(after, limit);
    }

    /**
     * Revokes a key on every node: its record is marked revoked, this node refuses it from the next request, and
     * the revocation feed tells the others within {@code auth.revocationSync}, cached or not. Revoking a revoked
     * key announces it again and keeps the first revocation time.
     *
     * @return the key as now stored, or empty when no key has this id; fails when the record or the announcement
     *     cannot be written (a record already revoked stays so, and calling again announces it)
     */
    public CompletionStage<Optional<ApiKey>> revoke(String id) {
        Objects.requireNonNull(id, "id");
        return store.revoke(id).thenCompose(revoked -> {
            if (revoked.isEmpty()) {
                return CompletableFuture.completedFuture(revoked);
            }
            // The revoked record itself, not an empty slot: a lookup that began before the revoke cannot then
            // re-cache the usable record should the announcement below fail.
            records.put(id, revoked.get());
            return revocations.revokeApiKey(id, clock.instant().plus(REVOCATION_MEMORY)).thenApply(change -> {
                sync.applyLocal(change);
                return revoked;
            });
        });
    }

    /**
     * Checks a presented key. Completes at once when the key is malformed or its record is cached; otherwise after
     * one store lookup. A verified key's use is recorded in the background.
     *
     * @param presented the header value as sent, or {@code null}
     * @return the key, or why it does not count; never fails
     */
    public CompletionStage<ApiKeyVerification> verify(String presented) {
        Parsed parsed = parse(presented);
        if (parsed == null) {
            return CompletableFuture.completedFuture(
                    new ApiKeyVerification.Refused(ApiKeyFailure.MALFORMED, null));
        }
        byte[] expected = hash(parsed.id(), parsed.secret()).getBytes(StandardCharsets.US_ASCII);
        ApiKey cached = records.getIfPresent(parsed.id());
        if (cached != null) {
            return CompletableFuture.completedFuture(check(cached, expected));
        }
        if (unknown.getIfPresent(parsed.id()) != null) {
            return CompletableFuture.completedFuture(new ApiKeyVerification.Refused(ApiKeyFailure.UNKNOWN,
                    parsed.id()));
        }
        CompletionStage<Optional<ApiKey>> lookup;
        try {
            lookup = store.findById(parsed.id());
        } catch (RuntimeException storeFailure) {
            return CompletableFuture.completedFuture(
                    new ApiKeyVerification.Refused(ApiKeyFailure.UNAVAILABLE, parsed.id()));
        }
        return lookup.handle((found, failure) -> {
            if (failure != null) {
                return new ApiKeyVerification.Refused(ApiKeyFailure.UNAVAILABLE, parsed.id());
            }
            if (found.isEmpty()) {
                unknown.put(parsed.id(), Boolean.TRUE);
                return new ApiKeyVerification.Refused(ApiKeyFailure.UNKNOWN, parsed.id());
            }
            // A revoke that landed while this lookup was in flight wins over the record it read before.
            ApiKey current = records.asMap().merge(parsed.id(), found.get(),
                    (cachedRecord, read) -> cachedRecord.revokedAt() != null ? cachedRecord : read);
            return check(current, expected);
        });
    }

    private ApiKeyVerification check(ApiKey key, byte[] expected) {
        // The secret first: without it, a caller learns nothing about the key, not even that it was revoked.
        if (!MessageDigest.isEqual(expected, key.secretHash().getBytes(StandardCharsets.US_ASCII))) {
            return new ApiKeyVerification.Refused(ApiKeyFailure.WRONG_SECRET, key.id());
        }
        if (key.revokedAt() != null) {
            return new ApiKeyVerification.Refused(ApiKeyFailure.REVOKED, key.id());
        }
        if (sync.list().isApiKeyRevoked(key.id())) {
            // The cached record predates the revocation; the next lookup reads the revoked one.
            records.invalidate(key.id());
            return new ApiKeyVerification.Refused(ApiKeyFailure.REVOKED, key.id());
        }
        Instant now = clock.instant();
        if (key.expiresAt() != null && !now.isBefore(key.expiresAt())) {
            return new ApiKeyVerification.Refused(ApiKeyFailure.EXPIRED, key.id());
        }
        recordUse(key.id(), now);
        return new ApiKeyVerification.Verified(key);
    }

    private void recordUse(String id, Instant now) {
        if (recentlyRecorded.asMap().putIfAbsent(id, Boolean.TRUE) != null) {
            return;
        }
        CompletionStage<Void> recorded;
        try {
            recorded = store.recordUse(id, now);
        } catch (RuntimeException e) {
            // verify() never fails: a store that throws instead of failing its stage loses only lastUsedAt.
            recorded = CompletableFuture.failedFuture(e);
        }
        recorded.whenComplete((ignored, failure) -> {
            if (failure != null) {
                // Only lastUsedAt is lost; the next use within a minute on another node, or after it here, retries.
                recentlyRecorded.invalidate(id);
                LOG.warn("cannot record the use of api key {}: {}", id, failure.toString());
            }
        });
    }

    /** The two parts of a well-formed presented key. */
    record Parsed(String id, String secret) {
        @Override
        public String toString() {
            return "Parsed[id=" + id + ", secret=(redacted)]";
        }
    }

    /**
     * @return the id and secret of a key of exactly the documented shape, or {@code null} for anything else
     *     (null, empty, too short or long, another prefix, a missing separator, a character outside the alphabets)
     */
    static Parsed parse(String presented) {
        if (presented == null || presented.length() != LENGTH || !presented.startsWith(PREFIX)) {
            return null;
        }
        int idEnd = PREFIX.length() + ID_LENGTH;
        for (int i = PREFIX.length(); i < idEnd; i++) {
            char c = presented.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return null;
            }
        }
        if (presented.charAt(idEnd) != '_') {
            return null;
        }
        for (int i = idEnd + 1; i < LENGTH; i++) {
            char c = presented.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return null;
            }
        }
        return new Parsed(presented.substring(PREFIX.length(), idEnd), presented.substring(idEnd + 1));
    }

    /** @return the stored form of a secret: a version tag and HMAC-SHA256(id NUL secret) in base64url */
    String hash(String id, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(hashKey);
            mac.update(id.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            return HASH_VERSION + B64.encodeToString(mac.doFinal(secret.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("every jdk has hmac-sha256", impossible);
        }
    }

    private String randomId() {
        char[] id = new char[ID_LENGTH];
        for (int i = 0; i < ID_LENGTH; i++) {
            id[i] = ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length()));
        }
        return new String(id);
    }
}
