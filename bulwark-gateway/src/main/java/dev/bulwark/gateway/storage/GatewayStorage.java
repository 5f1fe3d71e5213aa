package dev.bulwark.gateway.storage;

import dev.bulwark.api.store.IdempotencyStore;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.auth.token.MasterKey;
import dev.bulwark.core.config.StorageConfig;
import dev.bulwark.core.idempotency.InMemoryIdempotencyStore;
import dev.bulwark.core.routing.RouteServices;
import dev.bulwark.store.sql.SqlApiKeyStore;
import dev.bulwark.store.sql.SqlDatabase;
import dev.bulwark.store.sql.SqlIdempotencyStore;
import dev.bulwark.store.sql.SqlKeyStore;
import dev.bulwark.store.sql.SqlLoginAttemptStore;
import dev.bulwark.store.sql.SqlRevocationStore;
import dev.bulwark.store.sql.SqlSessionStore;
import dev.bulwark.store.sql.SqlTenantStore;
import dev.bulwark.store.sql.SqlUserStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The stores a gateway runs on, opened from the {@code storage} configuration: in memory, an embedded H2 file
 * database, or PostgreSQL. The gateway is the only place that chooses store implementations.
 *
 * <p>Opening a database applies its migrations; failures surface as
 * {@link dev.bulwark.api.store.StoreUnavailableException} naming the database (never its password). Closing
 * releases the connection pool. Thread-safe.
 */
public final class GatewayStorage implements AutoCloseable {

    private final StorageConfig config;
    private final SqlDatabase database;
    private final IdempotencyStore idempotencyStore;
    private final AuthServices.Stores identityStores;

    private GatewayStorage(StorageConfig config, SqlDatabase database, IdempotencyStore idempotencyStore,
                           AuthServices.Stores identityStores) {
        this.config = config;
        this.database = database;
        this.idempotencyStore = idempotencyStore;
        this.identityStores = identityStores;
    }

    /**
     * @param config what to open; {@code null} means memory
     * @param clock  the clock stores measure expiry with
     */
    public static GatewayStorage open(StorageConfig config, Clock clock) {
        StorageConfig effective = config == null ? StorageConfig.MEMORY : config;
        return switch (effective.kind()) {
            case MEMORY -> new GatewayStorage(effective, null,
                    new InMemoryIdempotencyStore(clock, RouteServices.IN_MEMORY_MAX_KEYS),
                    AuthServices.Stores.inMemory(clock));
            case H2 -> withDatabase(effective, SqlDatabase.h2(effective.effectivePath()), clock);
            case POSTGRESQL -> withDatabase(effective,
                    SqlDatabase.postgresql(effective.url(), effective.username(), effective.password()), clock);
        };
    }

    private static GatewayStorage withDatabase(StorageConfig config, SqlDatabase database, Clock clock) {
        return new GatewayStorage(config, database, new SqlIdempotencyStore(database, clock),
                new AuthServices.Stores(new SqlUserStore(database, clock), new SqlSessionStore(database, clock),
                        new SqlRevocationStore(database, clock), new SqlLoginAttemptStore(database, clock),
                        new SqlKeyStore(database, clock),
                        new SqlTenantStore(database, clock),
                        new SqlApiKeyStore(database, clock)));
    }

    /** @return users, sessions, revocations, login attempts and signing keys, on the same backend */
    public AuthServices.Stores identityStores() {
        return identityStores;
    }

    /**
     * @return {@code auth.masterKey} when configured, else {@link #developmentMasterKey()}
     * @throws IllegalArgumentException when the configured key is not 32 random bytes in base64
     * @throws IllegalStateException    as {@link #developmentMasterKey()} does
     */
    public MasterKey masterKey(AuthConfig auth) {
        return auth.masterKey() != null ? MasterKey.fromBase64(auth.masterKey()) : developmentMasterKey();
    }

    /**
     * Finds the master key for development mode when the configuration has none: for H2, the file
     * {@code master.key} in the data directory (created with owner-only permissions on first start), so keys
     * and sessions survive restarts; for memory, a fresh key, since nothing it protects outlives the process.
     * PostgreSQL needs the key in the configuration, since every node must share it.
     *
     * @throws IllegalStateException when the storage is PostgreSQL or the key file cannot be read or written
     */
    public MasterKey developmentMasterKey() {
        return switch (config.kind()) {
            case MEMORY -> MasterKey.generate();
            case POSTGRESQL -> throw new IllegalStateException(
                    "auth.masterKey is required with postgresql storage: every node must use the same key");
            case H2 -> keyFile(config.effectivePath().resolve("master.key"));
        };
    }

    private static MasterKey keyFile(Path file) {
        try {
            if (Files.exists(file)) {
                return MasterKey.fromFile(file);
            }
            MasterKey fresh = MasterKey.generate();
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), "master", ".tmp");
            try {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the data directory's own permissions apply.
            }
            Files.writeString(temporary, fresh.toBase64() + "\n");
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            return MasterKey.fromFile(file);
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("cannot read or create the master key file " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return where webhook delivery ids and {@code Idempotency-Key}s are claimed */
    public IdempotencyStore idempotencyStore() {
        return idempotencyStore;
    }

    /** @return the SQL database, or {@code null} for memory storage */
    public SqlDatabase database() {
        return database;
    }

    /**
     * Checks that the storage answers, for the readiness endpoint: memory always does; a database must run
     * {@code SELECT 1} within {@code timeoutMillis}.
     *
     * @return whether the storage answered in time; never fails
     */
    public CompletionStage<Boolean> ping(long timeoutMillis) {
        if (database == null) {
            return CompletableFuture.completedFuture(true);
        }
        return database.async("check storage", connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
            }
            return true;
        }).toCompletableFuture()
                .completeOnTimeout(false, timeoutMillis, TimeUnit.MILLISECONDS)
                .exceptionally(failure -> false);
    }

    /** @return a description for the startup log, e.g. {@code h2 (./bulwark-data)}; never a password */
    public String describe() {
        return config.toString();
    }

    @Override
    public void close() {
        if (database != null) {
            database.close();
        }
    }
}
