package dev.bulwark.gateway.storage;

import dev.bulwark.api.store.IdempotencyStore;
import dev.bulwark.core.config.StorageConfig;
import dev.bulwark.core.idempotency.InMemoryIdempotencyStore;
import dev.bulwark.core.routing.RouteServices;
import dev.bulwark.store.sql.SqlDatabase;
import dev.bulwark.store.sql.SqlIdempotencyStore;

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

    private GatewayStorage(StorageConfig config, SqlDatabase database, IdempotencyStore idempotencyStore) {
        this.config = config;
        this.database = database;
        this.idempotencyStore = idempotencyStore;
    }

    /**
     * @param config what to open; {@code null} means memory
     * @param clock  the clock stores measure expiry with
     */
    public static GatewayStorage open(StorageConfig config, Clock clock) {
        StorageConfig effective = config == null ? StorageConfig.MEMORY : config;
        return switch (effective.kind()) {
            case MEMORY -> new GatewayStorage(effective, null,
                    new InMemoryIdempotencyStore(clock, RouteServices.IN_MEMORY_MAX_KEYS));
            case H2 -> withDatabase(effective, SqlDatabase.h2(effective.effectivePath()), clock);
            case POSTGRESQL -> withDatabase(effective,
                    SqlDatabase.postgresql(effective.url(), effective.username(), effective.password()), clock);
        };
    }

    private static GatewayStorage withDatabase(StorageConfig config, SqlDatabase database, Clock clock) {
        return new GatewayStorage(config, database, new SqlIdempotencyStore(database, clock));
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
