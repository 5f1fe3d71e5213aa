package dev.bulwark.store.sql;

import dev.bulwark.api.store.ApiKey;
import dev.bulwark.api.store.ApiKeyStore;
import dev.bulwark.api.store.Page;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * An {@link ApiKeyStore} in the {@code bulwark_api_keys} table of a {@link SqlDatabase}.
 *
 * <p>Every write is one statement: creation is {@code INSERT ... ON CONFLICT DO NOTHING} on the primary key, a
 * revocation an {@code UPDATE ... WHERE revoked_at IS NULL} (so the first revocation time stays), a recorded use an
 * {@code UPDATE} that only moves {@code last_used_at} forward; the updates are followed by a {@code SELECT} of the
 * row as it now is. Listing is keyset-paginated on the id. Times come from the injected clock, in milliseconds.
 * Values longer than their columns are refused with {@link IllegalArgumentException} before the database is
 * asked. Thread-safe; work runs off the caller's thread and failures complete stages with
 * {@link dev.bulwark.api.store.StoreUnavailableException}.
 */
public final class SqlApiKeyStore implements ApiKeyStore {

    private static final String COLUMNS = "id, name, secret_hash, scopes, tenant, created_by, created_at,"
            + " expires_at, last_used_at, revoked_at";
    private static final String INSERT = "INSERT INTO bulwark_api_keys (" + COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM bulwark_api_keys WHERE id = ?";
    private static final String REVOKE = "UPDATE bulwark_api_keys SET revoked_at = ?"
            + " WHERE id = ? AND revoked_at IS NULL";
    private static final String RECORD_USE = "UPDATE bulwark_api_keys SET last_used_at = ?"
            + " WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)";
    private static final String FIRST_PAGE = "SELECT " + COLUMNS + " FROM bulwark_api_keys ORDER BY id LIMIT ?";
    private static final String NEXT_PAGE = "SELECT " + COLUMNS + " FROM bulwark_api_keys WHERE id > ?"
            + " ORDER BY id LIMIT ?";

    private final SqlDatabase database;
    private final Clock clock;

    /**
     * @param database the migrated database
     * @param clock    the clock revocation times are taken from
     */
    public SqlApiKeyStore(SqlDatabase database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @throws IllegalArgumentException when a value is longer than its column: id 64, name 200, hash 256, scopes
     *     8192 in all, tenant and creator 128 characters
     */
    @Override
    public CompletionStage<Boolean> create(ApiKey key) {
        Objects.requireNonNull(key, "key");
        String scopes = Jdbc.joinNames(key.scopes());
        fits("id", key.id(), 64);
        fits("name", key.name(), 200);
        fits("secret hash", key.secretHash(), 256);
        fits("scopes", scopes, 8192);
        fits("tenant", key.tenant(), 128);
        fits("creator", key.createdBy(), 128);
        return database.async("create api key", connection -> Jdbc.insertIgnoringDuplicate(connection, INSERT,
                key.id(), key.name(), key.secretHash(), scopes, key.tenant(), key.createdBy(),
                key.createdAt().toEpochMilli(), millis(key.expiresAt()), millis(key.lastUsedAt()),
                millis(key.revokedAt())));
    }

    private static void fits(String what, String value, int max) {
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException("api key " + what + " longer than " + max + " characters: "
                    + value.length());
        }
    }

    private static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    @Override
    public CompletionStage<Optional<ApiKey>> findById(String id) {
        Objects.requireNonNull(id, "id");
        return database.async("find api key",
                connection -> Jdbc.queryOne(connection, BY_ID, SqlApiKeyStore::apiKey, id));
    }

    @Override
    public CompletionStage<Optional<ApiKey>> revoke(String id) {
        Objects.requireNonNull(id, "id");
        long now = clock.millis();
        return database.async("revoke api key", connection -> {
            Jdbc.update(connection, REVOKE, now, id);
            return Jdbc.queryOne(connection, BY_ID, SqlApiKeyStore::apiKey, id);
        });
    }

    @Override
    public CompletionStage<Void> recordUse(String id, Instant at) {
        Objects.requireNonNull(id, "id");
        long millis = Objects.requireNonNull(at, "at").toEpochMilli();
        return database.async("record api key use", connection -> {
            Jdbc.update(connection, RECORD_USE, millis, id, millis);
            return null;
        });
    }

    @Override
    public CompletionStage<Page<ApiKey>> list(String after, int limit) {
        Page.checkLimit(limit);
        return database.async("list api keys", connection -> {
            // One row more than asked says whether a next page exists without a second query.
            List<ApiKey> rows = after == null
                    ? Jdbc.query(connection, FIRST_PAGE, SqlApiKeyStore::apiKey, limit + 1)
                    : Jdbc.query(connection, NEXT_PAGE, SqlApiKeyStore::apiKey, after, limit + 1);
            if (rows.size() <= limit) {
                return new Page<>(rows, null);
            }
            List<ApiKey> page = rows.subList(0, limit);
            return new Page<>(page, page.get(limit - 1).id());
        });
    }

    private static ApiKey apiKey(ResultSet row) throws SQLException {
        return new ApiKey(row.getString("id"), row.getString("name"), row.getString("secret_hash"),
                Jdbc.splitNames(row.getString("scopes")), row.getString("tenant"), row.getString("created_by"),
                Instant.ofEpochMilli(row.getLong("created_at")), instant(row, "expires_at"),
                instant(row, "last_used_at"), instant(row, "revoked_at"));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        Long millis = Jdbc.nullableLong(row, column);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }
}
