package dev.bulwark.store.sql;

import dev.bulwark.api.store.Revocation;
import dev.bulwark.api.store.RevocationFeed;
import dev.bulwark.api.store.RevocationStore;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link RevocationStore} in the {@code bulwark_revocations} table of a {@link SqlDatabase}, one row per
 * revoked subject (session, user cutoff or API key).
 *
 * <p>Each revocation is one short transaction that first increments the single
 * {@code bulwark_revocation_counter} row: the row lock serializes writers until they commit, so sequence
 * numbers become visible in increasing order and a reader following the feed never skips one (a plain database
 * sequence would let a smaller number commit after a larger one was read). Revocations are rare (logouts,
 * reuse), so the serialization costs nothing noticeable. Reads are one {@code SELECT} each. Expired rows are
 * deleted every {@value #PURGE_EVERY} writes. Times come from the injected clock, in milliseconds. Thread-safe;
 * failures complete stages with {@link dev.bulwark.api.store.StoreUnavailableException}.
 */
public final class SqlRevocationStore implements RevocationStore {

    private static final int PURGE_EVERY = 256;

    private static final String NEXT_SEQUENCE =
            "UPDATE bulwark_revocation_counter SET last_value = last_value + 1 WHERE id = 1";
    private static final String READ_SEQUENCE = "SELECT last_value FROM bulwark_revocation_counter WHERE id = 1";
    private static final String EXISTING = "SELECT seq, kind, subject, cutoff, expires_at FROM bulwark_revocations"
            + " WHERE kind = ? AND subject = ? AND expires_at > ?";
    private static final String UPSERT_DELETE = "DELETE FROM bulwark_revocations WHERE kind = ? AND subject = ?";
    private static final String INSERT = "INSERT INTO bulwark_revocations (seq, kind, subject, cutoff, expires_at)"
            + " VALUES (?, ?, ?, ?, ?)";
    private static final String FEED = "SELECT seq, kind, subject, cutoff, expires_at FROM bulwark_revocations"
            + " WHERE seq > ? AND expires_at > ? ORDER BY seq LIMIT ?";
    private static final String PURGE = "DELETE FROM bulwark_revocations WHERE expires_at <= ?";

    private final SqlDatabase database;
    private final Clock clock;
    private final AtomicLong writes = new AtomicLong();

    /**
     * @param database the migrated database
     * @param clock    the clock expiry is measured with
     */
    public SqlRevocationStore(SqlDatabase database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CompletionStage<Revocation> revokeSession(String sessionId, Instant expiresAt) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        return append(Revocation.Kind.SESSION, sessionId, Instant.ofEpochMilli(clock.millis()), expiresAt);
    }

    @Override
    public CompletionStage<Revocation> revokeUserTokensBefore(String userId, Instant cutoff, Instant expiresAt) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(cutoff, "cutoff");
        Objects.requireNonNull(expiresAt, "expiresAt");
        return append(Revocation.Kind.USER_CUTOFF, userId, cutoff, expiresAt);
    }

    @Override
    public CompletionStage<Revocation> revokeApiKey(String keyId, Instant expiresAt) {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        return append(Revocation.Kind.API_KEY, keyId, Instant.ofEpochMilli(clock.millis()), expiresAt);
    }

    private CompletionStage<Revocation> append(Revocation.Kind kind, String subject, Instant cutoff,
                                               Instant expiresAt) {
        if (subject.isEmpty() || subject.length() > 128) {
            throw new IllegalArgumentException("revocation subject must be 1 to 128 characters: " + subject.length());
        }
        long now = clock.millis();
        boolean purge = writes.incrementAndGet() % PURGE_EVERY == 0;
        return database.async("revoke", connection -> {
            Revocation change = Jdbc.inTransaction(connection, tx -> {
                Jdbc.update(tx, NEXT_SEQUENCE);
                long sequence = Jdbc.queryOne(tx, READ_SEQUENCE, row -> row.getLong(1)).orElseThrow();
                Optional<Revocation> previous =
                        Jdbc.queryOne(tx, EXISTING, SqlRevocationStore::revocation, kind.name(), subject, now);
                Instant effectiveCutoff = cutoff;
                Instant effectiveExpiry = expiresAt;
                if (previous.isPresent()) {
                    if (kind == Revocation.Kind.USER_CUTOFF && previous.get().cutoff().isAfter(cutoff)) {
                        effectiveCutoff = previous.get().cutoff();
                    }
                    if (previous.get().expiresAt().isAfter(expiresAt)) {
                        effectiveExpiry = previous.get().expiresAt();
                    }
                }
                Jdbc.update(tx, UPSERT_DELETE, kind.name(), subject);
                Jdbc.update(tx, INSERT, sequence, kind.name(), subject, effectiveCutoff.toEpochMilli(),
                        effectiveExpiry.toEpochMilli());
                return new Revocation(sequence, kind, subject, Instant.ofEpochMilli(effectiveCutoff.toEpochMilli()),
                        Instant.ofEpochMilli(effectiveExpiry.toEpochMilli()));
            });
            if (purge) {
                Jdbc.update(connection, PURGE, now);
            }
            return change;
        });
    }

    @Override
    public CompletionStage<Boolean> isSessionRevoked(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        long now = clock.millis();
        return database.async("check revocation", connection -> Jdbc.queryOne(connection, EXISTING,
                SqlRevocationStore::revocation, Revocation.Kind.SESSION.name(), sessionId, now).isPresent());
    }

    @Override
    public CompletionStage<Optional<Instant>> userCutoff(String userId) {
        Objects.requireNonNull(userId, "userId");
        long now = clock.millis();
        return database.async("check revocation", connection -> Jdbc.queryOne(connection, EXISTING,
                SqlRevocationStore::revocation, Revocation.Kind.USER_CUTOFF.name(), userId, now)
                .map(Revocation::cutoff));
    }

    @Override
    public CompletionStage<RevocationFeed> changesSince(long cursor, int limit) {
        if (cursor < 0) {
            throw new IllegalArgumentException("revocation cursor must not be negative: " + cursor);
        }
        if (limit < 1 || limit > MAX_BATCH) {
            throw new IllegalArgumentException("revocation batch must be between 1 and " + MAX_BATCH + ": " + limit);
        }
        long now = clock.millis();
        return database.async("read revocations", connection -> {
            // One row more than asked says whether more are waiting without a second query.
            List<Revocation> rows = Jdbc.query(connection, FEED, SqlRevocationStore::revocation, cursor, now,
                    limit + 1);
            boolean more = rows.size() > limit;
            List<Revocation> batch = more ? rows.subList(0, limit) : rows;
            long next = batch.isEmpty() ? cursor : batch.get(batch.size() - 1).sequence();
            return new RevocationFeed(batch, next, more);
        });
    }

    private static Revocation revocation(ResultSet row) throws SQLException {
        return new Revocation(row.getLong("seq"), Revocation.Kind.valueOf(row.getString("kind")),
                row.getString("subject"), Instant.ofEpochMilli(row.getLong("cutoff")),
                Instant.ofEpochMilli(row.getLong("expires_at")));
    }
}
