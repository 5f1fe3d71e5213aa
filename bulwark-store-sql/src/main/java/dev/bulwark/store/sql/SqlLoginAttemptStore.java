package dev.bulwark.store.sql;

import dev.bulwark.api.store.LockState;
import dev.bulwark.api.store.LockoutPolicy;
import dev.bulwark.api.store.LoginAttemptStore;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link LoginAttemptStore} in the {@code bulwark_login_attempts} table of a {@link SqlDatabase}.
 *
 * <p>{@link #recordFailure} is one short transaction: the key's row is inserted idempotently, locked with
 * {@code SELECT ... FOR UPDATE}, advanced with {@link LockoutPolicy#afterFailure} and written back, so
 * concurrent failures on any number of nodes count one by one. {@link #lockState} is one {@code SELECT} and
 * {@link #reset} one {@code DELETE}. Keys longer than {@value Jdbc#MAX_STORED_KEY} characters are stored as their
 * SHA-256. Forgotten rows are deleted every {@value #PURGE_EVERY} failures. Times come from the injected
 * clock, in milliseconds. Thread-safe; failures complete stages with
 * {@link dev.bulwark.api.store.StoreUnavailableException}.
 */
public final class SqlLoginAttemptStore implements LoginAttemptStore {

    private static final int PURGE_EVERY = 1024;

    private static final String INSERT = "INSERT INTO bulwark_login_attempts"
            + " (attempt_key, failures, lock_level, locked_until, forget_at) VALUES (?, 0, 0, NULL, 0)"
            + " ON CONFLICT DO NOTHING";
    private static final String LOCK = "SELECT failures, lock_level, locked_until, forget_at"
            + " FROM bulwark_login_attempts WHERE attempt_key = ? FOR UPDATE";
    private static final String WRITE = "UPDATE bulwark_login_attempts SET failures = ?, lock_level = ?,"
            + " locked_until = ?, forget_at = ? WHERE attempt_key = ?";
    private static final String READ = "SELECT failures, lock_level, locked_until, forget_at"
            + " FROM bulwark_login_attempts WHERE attempt_key = ? AND forget_at > ?";
    private static final String DELETE = "DELETE FROM bulwark_login_attempts WHERE attempt_key = ?";
    private static final String PURGE = "DELETE FROM bulwark_login_attempts WHERE forget_at <= ?";

    private final SqlDatabase database;
    private final Clock clock;
    private final AtomicLong failures = new AtomicLong();

    /**
     * @param database the migrated database
     * @param clock    the clock lockouts are measured with
     */
    public SqlLoginAttemptStore(SqlDatabase database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A row: the state, and when it is forgotten. */
    private record Row(LockState state, long forgetAt) {
    }

    @Override
    public CompletionStage<LockState> recordFailure(String key, LockoutPolicy policy) {
        String stored = Jdbc.storedKey(key, "login attempt key");
        Objects.requireNonNull(policy, "policy");
        Instant now = Instant.ofEpochMilli(clock.millis());
        boolean purge = failures.incrementAndGet() % PURGE_EVERY == 0;
        return database.async("record login failure", connection -> {
            LockState state = Jdbc.inTransaction(connection, tx -> {
                Jdbc.insertIgnoringDuplicate(tx, INSERT, stored);
                Row row = Jdbc.queryOne(tx, LOCK, SqlLoginAttemptStore::row, stored).orElseThrow();
                LockState current = row.forgetAt > now.toEpochMilli() ? row.state : LockState.CLEAR;
                LockState next = policy.afterFailure(current, now);
                if (next != current || row.forgetAt <= now.toEpochMilli()) {
                    Jdbc.update(tx, WRITE, next.failures(), next.level(),
                            next.lockedUntil() == null ? null : next.lockedUntil().toEpochMilli(),
                            policy.forgetAt(next, now).toEpochMilli(), stored);
                }
                return next;
            });
            if (purge) {
                Jdbc.update(connection, PURGE, now.toEpochMilli());
            }
            return state;
        });
    }

    @Override
    public CompletionStage<LockState> lockState(String key) {
        String stored = Jdbc.storedKey(key, "login attempt key");
        long now = clock.millis();
        return database.async("read login attempts", connection -> {
            Optional<Row> row = Jdbc.queryOne(connection, READ, SqlLoginAttemptStore::row, stored, now);
            return row.map(Row::state).orElse(LockState.CLEAR);
        });
    }

    @Override
    public CompletionStage<Void> reset(String key) {
        String stored = Jdbc.storedKey(key, "login attempt key");
        return database.async("reset login attempts", connection -> {
            Jdbc.update(connection, DELETE, stored);
            return null;
        });
    }

    private static Row row(ResultSet row) throws SQLException {
        Long lockedUntil = Jdbc.nullableLong(row, "locked_until");
        return new Row(new LockState(row.getInt("failures"), row.getInt("lock_level"),
                lockedUntil == null ? null : Instant.ofEpochMilli(lockedUntil)), row.getLong("forget_at"));
    }
}
