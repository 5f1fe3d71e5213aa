package dev.bulwark.core.auth;

import dev.bulwark.api.store.ApiKeyStore;
import dev.bulwark.api.store.KeyStore;
import dev.bulwark.api.store.LoginAttemptStore;
import dev.bulwark.api.store.RevocationStore;
import dev.bulwark.api.store.SessionStore;
import dev.bulwark.api.store.TenantStore;
import dev.bulwark.api.store.UserStore;
import dev.bulwark.core.auth.apikey.ApiKeys;
import dev.bulwark.core.auth.external.ExternalIssuerConfig;
import dev.bulwark.core.auth.external.ExternalTokenVerifier;
import dev.bulwark.core.auth.external.IssuerDispatch;
import dev.bulwark.core.auth.identity.AuthEndpoints;
import dev.bulwark.core.auth.identity.Identity;
import dev.bulwark.core.auth.password.PasswordHasher;
import dev.bulwark.core.auth.password.PasswordWorkers;
import dev.bulwark.core.auth.revocation.RevocationList;
import dev.bulwark.core.auth.revocation.RevocationSync;
import dev.bulwark.core.auth.token.AccessTokenIssuer;
import dev.bulwark.core.auth.token.AccessTokenVerifier;
import dev.bulwark.core.auth.token.KeyRing;
import dev.bulwark.core.auth.token.MasterKey;
import dev.bulwark.core.auth.token.SigningKeyManager;
import dev.bulwark.core.auth.token.TokenConfig;
import dev.bulwark.core.auth.token.VerifiedTokenCache;
import dev.bulwark.core.store.memory.InMemoryApiKeyStore;
import dev.bulwark.core.store.memory.InMemoryKeyStore;
import dev.bulwark.core.store.memory.InMemoryLoginAttemptStore;
import dev.bulwark.core.store.memory.InMemoryRevocationStore;
import dev.bulwark.core.store.memory.InMemorySessionStore;
import dev.bulwark.core.store.memory.InMemoryTenantStore;
import dev.bulwark.core.store.memory.InMemoryUserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Everything the {@code auth} section turns into at run time, wired to the host's stores: the identity service,
 * API keys, the authenticator routes use, the endpoints, the key ring and the revocation sync.
 *
 * <p>{@link #start} loads (or creates) the signing keys and the live revocations before returning, so the first
 * request is already checked against every logout; then one daemon thread polls revocations every
 * {@code auth.revocationSync} and re-reads the keys every {@link #KEY_REFRESH}. {@link #close()} stops it and
 * the hashing workers. Thread-safe.
 */
public final class AuthServices implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuthServices.class);
    /** How often every node re-reads the signing keys, picking up a rotation made elsewhere. */
    public static final Duration KEY_REFRESH = Duration.ofSeconds(30);
    /** Authenticated requests get 503 when revocations have not been confirmed for this many poll intervals. */
    private static final int STALE_POLLS = 30;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** The stores identity, tenancy and API keys need. */
    public record Stores(UserStore users, SessionStore sessions, RevocationStore revocations,
                         LoginAttemptStore attempts, KeyStore keys, TenantStore tenants, ApiKeyStore apiKeys) {
        /** Users (and tenants, and API keys) held by {@link #inMemory}: enough for a demo or a single small node. */
        public static final int IN_MEMORY_USERS = 100_000;
        /** Sessions, revocations and lockout keys held by {@link #inMemory}. */
        public static final int IN_MEMORY_ENTRIES = 1_000_000;

        public Stores {
            Objects.requireNonNull(users, "users");
            Objects.requireNonNull(sessions, "sessions");
            Objects.requireNonNull(revocations, "revocations");
            Objects.requireNonNull(attempts, "attempts");
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(tenants, "tenants");
            Objects.requireNonNull(apiKeys, "apiKeys");
        }

        /** @return stores in this process's memory, lost on restart */
        public static Stores inMemory(Clock clock) {
            return new Stores(new InMemoryUserStore(clock, IN_MEMORY_USERS),
                    new InMemorySessionStore(clock, IN_MEMORY_ENTRIES),
                    new InMemoryRevocationStore(clock, IN_MEMORY_ENTRIES),
                    new InMemoryLoginAttemptStore(clock, IN_MEMORY_ENTRIES), new InMemoryKeyStore(clock),
                    new InMemoryTenantStore(clock, IN_MEMORY_USERS),
                    new InMemoryApiKeyStore(clock, IN_MEMORY_USERS));
        }
    }

    private final AuthConfig config;
    private final Identity identity;
    private final Authenticator authenticator;
    private final AuthEndpoints endpoints;
    private final KeyRing ring;
    private final SigningKeyManager keys;
    private final RevocationSync sync;
    private final PasswordWorkers workers;
    private final ScheduledExecutorService timer;
    private final List<ExternalTokenVerifier> externals;
    private final Clock clock;
    private final Stores stores;
    private final ApiKeys apiKeys;

    private AuthServices(AuthConfig config, Identity identity, Authenticator authenticator, AuthEndpoints endpoints,
                         KeyRing ring, SigningKeyManager keys, RevocationSync sync, PasswordWorkers workers,
                         ScheduledExecutorService timer, List<ExternalTokenVerifier> externals, Clock clock,
                         Stores stores, ApiKeys apiKeys) {
        this.stores = stores;
        this.apiKeys = apiKeys;
        this.externals = externals;
        this.clock = clock;
        this.config = config;
        this.identity = identity;
        this.authenticator = authenticator;
        this.endpoints = endpoints;
        this.ring = ring;
        this.keys = keys;
        this.sync = sync;
        this.workers = workers;
        this.timer = timer;
    }

    /**
     * Loads keys and revocations and starts the background sync.
     *
     * @param masterKey encrypts signing keys at rest and derives the CSRF, refresh-successor and API key hash keys
     * @throws IllegalStateException when the stores cannot be read within 30 s or a stored key does not decrypt
     */
    public static AuthServices start(AuthConfig config, Stores stores, MasterKey masterKey, Clock clock) {
        TokenConfig tokens = config.tokenConfig();
        // A node may sign with the old key until its next key refresh, so the old key verifies that much longer.
        SigningKeyManager keys = new SigningKeyManager(stores.keys(), masterKey, config.algorithm(),
                tokens.keyRetention().plus(KEY_REFRESH), clock);
        KeyRing ring;
        RevocationList list = new RevocationList();
        RevocationSync sync = new RevocationSync(stores.revocations(), list, clock, System::nanoTime);
        try {
            ring = keys.load().toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            sync.poll().toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading signing keys", e);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot load signing keys: " + cause.getMessage(), cause);
        }
        PasswordWorkers workers = new PasswordWorkers(config.hashWorkers(), config.hashQueue(), config.hashNice());
        PasswordHasher hasher = new PasswordHasher(config.hashing());
        LOG.info("password hashing: Argon2id m={} KiB, t={}, p={} by {} on {} thread(s) at nice {}",
                config.hashing().memoryKib(), config.hashing().iterations(), config.hashing().parallelism(),
                hasher.engine(), config.hashWorkers(), config.hashNice());
        Identity identity = new Identity(config, stores.users(), stores.sessions(), stores.revocations(), list,
                stores.attempts(), hasher, workers,
                new AccessTokenIssuer(ring, tokens, clock), masterKey, clock);
        List<ExternalTokenVerifier> externals = config.issuers().stream()
                .map(external -> new ExternalTokenVerifier(external, clock)).toList();
        for (ExternalTokenVerifier external : externals) {
            // An unreachable provider must not keep the gateway down: its tokens are refused until a fetch works.
            boolean loaded = external.keys().refresh().completeOnTimeout(false, 10, TimeUnit.SECONDS).join();
            if (!loaded) {
                LOG.warn("no keys yet from external issuer {}: its tokens are refused until its JWKS answers",
                        external.issuer());
            }
        }
        Duration skew = config.issuers().stream().map(ExternalIssuerConfig::clockSkew)
                .reduce(tokens.clockSkew(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
        VerifiedTokenCache cache = new VerifiedTokenCache(
                IssuerDispatch.of(new AccessTokenVerifier(ring, tokens, clock), externals), skew,
                IssuerDispatch.MAX_TOKEN_LENGTH, config.tokenCacheSize(), clock);
        Duration maxStaleness = config.revocationSync().multipliedBy(STALE_POLLS);
        ApiKeys apiKeys = new ApiKeys(stores.apiKeys(), stores.revocations(), sync, masterKey, clock);
        Authenticator authenticator = new Authenticator(cache, list, sync::staleFor,
                maxStaleness, new CsrfTokens(masterKey), config.cookies(), apiKeys, config.issuer());
        AuthEndpoints endpoints = new AuthEndpoints(identity, authenticator, ring, clock);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "bulwark-auth-sync");
            thread.setDaemon(true);
            return thread;
        });
        long syncMillis = config.revocationSync().toMillis();
        timer.scheduleWithFixedDelay(() -> sync.poll().toCompletableFuture().join(), syncMillis, syncMillis,
                TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> refreshKeys(keys, ring), KEY_REFRESH.toMillis(), KEY_REFRESH.toMillis(),
                TimeUnit.MILLISECONDS);
        // Without traffic an issuer never looks at its keys; this keeps a withdrawn key from surviving idle spells.
        timer.scheduleWithFixedDelay(() -> externals.forEach(external -> external.keys().refreshIfDue()),
                KEY_REFRESH.toMillis(), KEY_REFRESH.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("auth ready: issuer {}, {} signing key(s), active {}", config.issuer(),
                ring.verificationKeys(clock.instant()).size(), ring.active().kid());
        return new AuthServices(config, identity, authenticator, endpoints, ring, keys, sync, workers, timer,
                externals, clock, stores, apiKeys);
    }

    private static void refreshKeys(SigningKeyManager keys, KeyRing ring) {
        try {
            keys.refresh(ring).toCompletableFuture().join();
        } catch (CompletionException | IllegalStateException e) {
            LOG.warn("cannot re-read signing keys, keeping the current ones: {}", e.getMessage());
        }
    }

    /** @return the stores these services run on (users, tenants, sessions...), for tenancy and administration */
    public Stores stores() {
        return stores;
    }

    /** @return the clock tokens are issued and checked with */
    public Clock clock() {
        return clock;
    }

    /** @return the configuration */
    public AuthConfig config() {
        return config;
    }

    /** @return accounts and sessions */
    public Identity identity() {
        return identity;
    }

    /** @return API keys of machine clients: create, list, revoke */
    public ApiKeys apiKeys() {
        return apiKeys;
    }

    /** @return what route filters authenticate with */
    public Authenticator authenticator() {
        return authenticator;
    }

    /** @return the HTTP endpoints */
    public AuthEndpoints endpoints() {
        return endpoints;
    }

    /** @return the signing keys in use */
    public KeyRing ring() {
        return ring;
    }

    /** @return the key manager, for rotation */
    public SigningKeyManager keys() {
        return keys;
    }

    /** @return the verifiers of the configured external issuers, e.g. to watch their key sources */
    public List<ExternalTokenVerifier> externalIssuers() {
        return externals;
    }

    /** @return the revocation sync, e.g. to poll at once in tests */
    public RevocationSync revocationSync() {
        return sync;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        workers.close();
        externals.forEach(ExternalTokenVerifier::close);
    }
}
