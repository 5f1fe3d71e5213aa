package dev.bulwark.store.sql;

import dev.bulwark.api.store.KeyStatus;
import dev.bulwark.api.store.KeyStore;
import dev.bulwark.api.store.SigningKey;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A {@link KeyStore} in the {@code bulwark_signing_keys} table of a {@link SqlDatabase}; with the H2 file
 * database the keys survive restarts, so tokens stay valid across them.
 *
 * <p>{@link #initialize} and {@link #rotate} are each one short transaction holding the single
 * {@code bulwark_key_ring_lock} row lock ({@code SELECT ... FOR UPDATE}), so concurrent starts and rotations on
 * any number of nodes leave exactly one active key. Reads are one {@code SELECT} each. Private keys are stored
 * only as the encrypted bytes handed in. Times come from the injected clock, in milliseconds. Thread-safe;
 * failures complete stages with {@link dev.bulwark.api.store.StoreUnavailableException}.
 */
public final class SqlKeyStore implements KeyStore {

    private static final String COLUMNS = "kid, algorithm, public_jwk, encrypted_private_key, status, created_at,"
            + " activated_at, retire_after";
    private static final String LOCK_RING = "SELECT id FROM bulwark_key_ring_lock WHERE id = 1 FOR UPDATE";
    private static final String ACTIVE = "SELECT " + COLUMNS + " FROM bulwark_signing_keys WHERE status = 'ACTIVE'";
    private static final String EXISTS = "SELECT 1 FROM bulwark_signing_keys WHERE kid = ?";
    private static final String INSERT = "INSERT INTO bulwark_signing_keys (" + COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, 'ACTIVE', ?, ?, NULL)";
    private static final String DEMOTE = "UPDATE bulwark_signing_keys SET status = 'RETIRING', retire_after = ?"
            + " WHERE status = 'ACTIVE'";
    private static final String DROP_RETIRED =
            "DELETE FROM bulwark_signing_keys WHERE status = 'RETIRING' AND retire_after <= ?";
    private static final String VERIFYING = "SELECT " + COLUMNS + " FROM bulwark_signing_keys"
            + " WHERE status = 'ACTIVE' OR retire_after > ?"
            + " ORDER BY CASE WHEN status = 'ACTIVE' THEN 0 ELSE 1 END, activated_at DESC, kid";
    private static final String FIND = "SELECT " + COLUMNS + " FROM bulwark_signing_keys"
            + " WHERE kid = ? AND (status = 'ACTIVE' OR retire_after > ?)";

    private final SqlDatabase database;
    private final Clock clock;

    /**
     * @param database the migrated database
     * @param clock    the clock activation and retirement are measured with
     */
    public SqlKeyStore(SqlDatabase database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CompletionStage<SigningKey> initialize(SigningKey candidate) {
        Objects.requireNonNull(candidate, "candidate");
        Instant now = Instant.ofEpochMilli(clock.millis());
        return database.async("initialize signing key", connection -> Jdbc.inTransaction(connection, tx -> {
            Jdbc.query(tx, LOCK_RING, row -> row.getInt(1));
            Optional<SigningKey> active = Jdbc.queryOne(tx, ACTIVE, SqlKeyStore::key);
            if (active.isPresent()) {
                return active.get();
            }
            return insert(tx, candidate, now);
        }));
    }

    @Override
    public CompletionStage<SigningKey> rotate(SigningKey next, Duration keepOldFor) {
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(keepOldFor, "keepOldFor");
        if (keepOldFor.isNegative()) {
            throw new IllegalArgumentException("key retirement delay must not be negative: " + keepOldFor);
        }
        Instant now = Instant.ofEpochMilli(clock.millis());
        return database.async("rotate signing key", connection -> Jdbc.inTransaction(connection, tx -> {
            Jdbc.query(tx, LOCK_RING, row -> row.getInt(1));
            Jdbc.update(tx, DROP_RETIRED, now.toEpochMilli());
            Jdbc.update(tx, DEMOTE, now.plus(keepOldFor).toEpochMilli());
            return insert(tx, next, now);
        }));
    }

    private static SigningKey insert(Connection tx, SigningKey key, Instant now) throws SQLException {
        if (Jdbc.queryOne(tx, EXISTS, row -> true, key.kid()).isPresent()) {
            // Thrown inside the transaction so the demotion above is rolled back with it.
            throw new IllegalStateException("key id already used: " + key.kid());
        }
        Jdbc.update(tx, INSERT, key.kid(), key.algorithm(), key.publicJwk(), key.encryptedPrivateKey(),
                key.createdAt().toEpochMilli(), now.toEpochMilli());
        return new SigningKey(key.kid(), key.algorithm(), key.publicJwk(), key.encryptedPrivateKey(),
                KeyStatus.ACTIVE, Instant.ofEpochMilli(key.createdAt().toEpochMilli()), now, null);
    }

    @Override
    public CompletionStage<Optional<SigningKey>> activeKey() {
        return database.async("read signing key", connection -> Jdbc.queryOne(connection, ACTIVE, SqlKeyStore::key));
    }

    @Override
    public CompletionStage<List<SigningKey>> verificationKeys() {
        long now = clock.millis();
        return database.async("read signing keys",
                connection -> Jdbc.query(connection, VERIFYING, SqlKeyStore::key, now));
    }

    @Override
    public CompletionStage<Optional<SigningKey>> find(String kid) {
        Objects.requireNonNull(kid, "kid");
        long now = clock.millis();
        return database.async("read signing key",
                connection -> Jdbc.queryOne(connection, FIND, SqlKeyStore::key, kid, now));
    }

    private static SigningKey key(ResultSet row) throws SQLException {
        Long retireAfter = Jdbc.nullableLong(row, "retire_after");
        return new SigningKey(row.getString("kid"), row.getString("algorithm"), row.getString("public_jwk"),
                row.getBytes("encrypted_private_key"), KeyStatus.valueOf(row.getString("status")),
                Instant.ofEpochMilli(row.getLong("created_at")), Instant.ofEpochMilli(row.getLong("activated_at")),
                retireAfter == null ? null : Instant.ofEpochMilli(retireAfter));
    }
}
