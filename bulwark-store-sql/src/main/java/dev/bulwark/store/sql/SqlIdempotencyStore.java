package dev.bulwark.store.sql;

import dev.bulwark.api.store.Claim;
import dev.bulwark.api.store.IdempotencyStore;
import dev.bulwark.api.store.StoredResponse;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link IdempotencyStore} in the {@code bulwark_idempotency} table of a {@link SqlDatabase}: H2 for one
 * node, PostgreSQL for several nodes sharing the keys.
 *
 * <p>The claim itself is one statement, {@code INSERT ... ON CONFLICT DO NOTHING}: the primary key makes
 * exactly one of any number of concurrent claimers (on any node) insert the row. An expired row for the key is
 * deleted just before, guarded by its expiry, so it cannot remove a live claim taken in between. Expiry instants
 * are computed from the injected clock and passed as parameters, never from the database server's clock.
 * Expired rows of keys nobody touches again are purged every {@value #PURGE_EVERY} claims.
 *
 * <p>Keys longer than {@value Jdbc#MAX_STORED_KEY} characters are stored as their SHA-256. Thread-safe; all work
 * runs off the caller's thread and failures complete stages with
 * {@link dev.bulwark.api.store.StoreUnavailableException}.
 */
public final class SqlIdempotencyStore implements IdempotencyStore {

    private static final int PURGE_EVERY = 1024;

    private static final String DELETE_EXPIRED_KEY =
            "DELETE FROM bulwark_idempotency WHERE idem_key = ? AND expires_at <= ?";
    private static final String INSERT_CLAIM =
            "INSERT INTO bulwark_idempotency (idem_key, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING";
    private static final String SELECT =
            "SELECT status, headers, body, fingerprint FROM bulwark_idempotency WHERE idem_key = ? AND expires_at > ?";
    private static final String UPDATE_COMPLETE = "UPDATE bulwark_idempotency"
            + " SET expires_at = ?, status = ?, headers = ?, body = ?, fingerprint = ? WHERE idem_key = ?";
    private static final String INSERT_COMPLETE = "INSERT INTO bulwark_idempotency"
            + " (expires_at, status, headers, body, fingerprint, idem_key) VALUES (?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT DO NOTHING";
    private static final String DELETE_KEY = "DELETE FROM bulwark_idempotency WHERE idem_key = ?";
    private static final String PURGE = "DELETE FROM bulwark_idempotency WHERE expires_at <= ?";

    private final SqlDatabase database;
    private final Clock clock;
    private final AtomicLong claims = new AtomicLong();

    /**
     * @param database the migrated database
     * @param clock    the clock expiry is measured with
     */
    public SqlIdempotencyStore(SqlDatabase database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CompletionStage<Claim> claim(String key, Duration ttl) {
        String stored = Jdbc.storedKey(key, "idempotency key");
        checkTtl(ttl);
        long now = clock.millis();
        long expiresAt = now + ttl.toMillis();
        boolean purge = claims.incrementAndGet() % PURGE_EVERY == 0;
        return database.async("claim idempotency key", connection -> {
            if (purge) {
                Jdbc.update(connection, PURGE, now);
            } else {
                Jdbc.update(connection, DELETE_EXPIRED_KEY, stored, now);
            }
            if (Jdbc.insertIgnoringDuplicate(connection, INSERT_CLAIM, stored, expiresAt)) {
                return Claim.newKey();
            }
            return duplicate(connection, stored, now);
        });
    }

    private static Claim duplicate(Connection connection, String key, long now) throws SQLException {
        // A row released since the insert failed is treated as still in flight: never a second NEW.
        return Jdbc.queryOne(connection, SELECT, row -> row.getObject(1) == null ? Claim.inFlight()
                : Claim.completed(new StoredResponse(row.getInt(1), decodeHeaders(row.getString(2)),
                        row.getBytes(3), row.getBytes(4))), key, now).orElse(Claim.inFlight());
    }

    @Override
    public CompletionStage<Void> complete(String key, StoredResponse response, Duration ttl) {
        String stored = Jdbc.storedKey(key, "idempotency key");
        Objects.requireNonNull(response, "response");
        checkTtl(ttl);
        long expiresAt = clock.millis() + ttl.toMillis();
        String headers = encodeHeaders(response.headers());
        byte[] body = response.body();
        byte[] fingerprint = response.requestFingerprint();
        return database.async("complete idempotency key", connection -> {
            Object[] values = {expiresAt, response.status(), headers, body, fingerprint, stored};
            if (Jdbc.update(connection, UPDATE_COMPLETE, values) == 0) {
                Jdbc.update(connection, INSERT_COMPLETE, values);
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Void> release(String key) {
        String stored = Jdbc.storedKey(key, "idempotency key");
        return database.async("release idempotency key", connection -> {
            Jdbc.update(connection, DELETE_KEY, stored);
            return null;
        });
    }

    private static void checkTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("idempotency ttl must be positive: " + ttl);
        }
    }

    /** Header values cannot hold line breaks and names cannot hold colons, so lines of {@code name:value} suffice. */
    private static String encodeHeaders(Map<String, String> headers) {
        StringBuilder text = new StringBuilder();
        headers.forEach((name, value) -> text.append(name).append(':').append(value).append('\n'));
        return text.toString();
    }

    private static Map<String, String> decodeHeaders(String text) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (text != null) {
            for (String line : text.split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon), line.substring(colon + 1));
                }
            }
        }
        return headers;
    }
}
