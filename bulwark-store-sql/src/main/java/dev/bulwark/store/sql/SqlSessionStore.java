package dev.bulwark.store.sql;

import dev.bulwark.api.store.Device;
import dev.bulwark.api.store.NewSession;
import dev.bulwark.api.store.Rotation;
import dev.bulwark.api.store.Session;
import dev.bulwark.api.store.SessionCreated;
import dev.bulwark.api.store.SessionStore;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link SessionStore} in the {@code bulwark_sessions} table (with {@code bulwark_retired_refresh_tokens} and
 * the per-user lock rows of {@code bulwark_session_owners}) of a {@link SqlDatabase}.
 *
 * <p>Atomicity, operation by operation:
 * <ul>
 *   <li>{@link #create}: one short transaction holding the user's {@code bulwark_session_owners} row lock
 *       ({@code SELECT ... FOR UPDATE}; the row is first inserted idempotently): delete the user's expired
 *       sessions, read the live ones, delete the oldest beyond the cap, insert the new one. Logins of one user
 *       queue on that lock, so the cap holds under concurrency, on any number of nodes.</li>
 *   <li>{@link #rotate}: one short transaction holding the session's row lock; the row is read, compared and
 *       updated (or deleted on reuse), so concurrent refreshes of one token see each other's rotation.</li>
 *   <li>{@link #revoke}: one transaction holding the session's row lock; {@link #revokeAllForUser}: one
 *       transaction holding the user's lock row.</li>
 *   <li>{@link #find}, {@link #listByUser}: one {@code SELECT} each.</li>
 * </ul>
 * Retired token hashes go with their session ({@code ON DELETE CASCADE}). Expired sessions are deleted when
 * their user next logs in or they are touched, and all at once every {@value #PURGE_EVERY} creations. Times come
 * from the injected clock, in milliseconds. Thread-safe; failures complete stages with
 * {@link dev.bulwark.api.store.StoreUnavailableException}.
 */
public final class SqlSessionStore implements SessionStore {

    /** The longest successor handle stored. */
    public static final int MAX_SUCCESSOR_LENGTH = 8192;

    private static final int PURGE_EVERY = 1024;

    private static final String COLUMNS = "id, user_id, created_at, last_seen_at, expires_at, idle_timeout_ms,"
            + " user_agent, ip, fingerprint";
    private static final String INSERT_OWNER =
            "INSERT INTO bulwark_session_owners (user_id) VALUES (?) ON CONFLICT DO NOTHING";
    private static final String LOCK_OWNER =
            "SELECT user_id FROM bulwark_session_owners WHERE user_id = ? FOR UPDATE";
    private static final String DELETE_EXPIRED_OF_USER =
            "DELETE FROM bulwark_sessions WHERE user_id = ? AND live_until <= ?";
    private static final String LIVE_OF_USER = "SELECT " + COLUMNS + " FROM bulwark_sessions"
            + " WHERE user_id = ? AND live_until > ? ORDER BY created_at, id";
    private static final String INSERT = "INSERT INTO bulwark_sessions (" + COLUMNS
            + ", live_until, current_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String DELETE = "DELETE FROM bulwark_sessions WHERE id = ?";
    private static final String FIND = "SELECT " + COLUMNS + " FROM bulwark_sessions WHERE id = ? AND live_until > ?";
    private static final String LOCK_FAMILY = "SELECT " + COLUMNS + ", live_until, current_hash, previous_hash,"
            + " rotated_at, successor FROM bulwark_sessions WHERE id = ? FOR UPDATE";
    private static final String RETIRE =
            "INSERT INTO bulwark_retired_refresh_tokens (session_id, token_hash) VALUES (?, ?) ON CONFLICT DO NOTHING";
    private static final String IS_RETIRED =
            "SELECT 1 FROM bulwark_retired_refresh_tokens WHERE session_id = ? AND token_hash = ?";
    private static final String ROTATE = "UPDATE bulwark_sessions SET previous_hash = current_hash,"
            + " current_hash = ?, rotated_at = ?, successor = ?, last_seen_at = ?, live_until = ? WHERE id = ?";
    private static final String PURGE = "DELETE FROM bulwark_sessions WHERE live_until <= ?";

    private final SqlDatabase database;
    private final Clock clock;
    private final AtomicLong creations = new AtomicLong();

    /**
     * @param database the migrated database
     * @param clock    the clock expiry is measured with
     */
    public SqlSessionStore(SqlDatabase database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CompletionStage<SessionCreated> create(NewSession request, int maxPerUser) {
        Objects.requireNonNull(request, "session");
        if (maxPerUser <= 0) {
            throw new IllegalArgumentException("max sessions per user must be positive: " + maxPerUser);
        }
        Instant now = Instant.ofEpochMilli(clock.millis());
        Session session = new Session(request.id(), request.userId(), now, now, now.plus(request.lifetime()),
                request.idleTimeout(), request.device());
        boolean purge = creations.incrementAndGet() % PURGE_EVERY == 0;
        return database.async("create session", connection -> {
            Jdbc.insertIgnoringDuplicate(connection, INSERT_OWNER, request.userId());
            SessionCreated created = Jdbc.inTransaction(connection, tx -> {
                Jdbc.query(tx, LOCK_OWNER, row -> row.getString(1), request.userId());
                Jdbc.update(tx, DELETE_EXPIRED_OF_USER, request.userId(), now.toEpochMilli());
                List<Session> live = Jdbc.query(tx, LIVE_OF_USER, SqlSessionStore::session, request.userId(),
                        now.toEpochMilli());
                List<String> evicted = new ArrayList<>();
                for (int i = 0; i <= live.size() - maxPerUser; i++) {
                    Jdbc.update(tx, DELETE, live.get(i).id());
                    evicted.add(live.get(i).id());
                }
                try {
                    Device device = session.device();
                    Jdbc.update(tx, INSERT, session.id(), session.userId(), now.toEpochMilli(), now.toEpochMilli(),
                            session.expiresAt().toEpochMilli(), session.idleTimeout().toMillis(), device.userAgent(),
                            device.ip(), device.fingerprint(), session.idleExpiresAt().toEpochMilli(),
                            request.refreshHash());
                } catch (SQLException e) {
                    if (Jdbc.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        throw new IllegalStateException("session id already exists: " + session.id(), e);
                    }
                    throw e;
                }
                return new SessionCreated(session, evicted);
            });
            if (purge) {
                Jdbc.update(connection, PURGE, now.toEpochMilli());
            }
            return created;
        });
    }

    @Override
    public CompletionStage<Optional<Session>> find(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        long now = clock.millis();
        return database.async("find session",
                connection -> Jdbc.queryOne(connection, FIND, SqlSessionStore::session, sessionId, now));
    }

    @Override
    public CompletionStage<List<Session>> listByUser(String userId) {
        Objects.requireNonNull(userId, "userId");
        long now = clock.millis();
        return database.async("list sessions",
                connection -> Jdbc.query(connection, LIVE_OF_USER, SqlSessionStore::session, userId, now));
    }

    /** A session row with its token family, as read under its row lock. */
    private record Family(Session session, String currentHash, String previousHash, Long rotatedAt,
                          String successor) {
    }

    @Override
    public CompletionStage<Rotation> rotate(String sessionId, String presentedHash, String newHash, String successor,
                                            Duration grace) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(presentedHash, "presentedHash");
        Objects.requireNonNull(newHash, "newHash");
        Objects.requireNonNull(successor, "successor");
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("refresh grace must not be negative: " + grace);
        }
        if (newHash.isEmpty() || newHash.length() > NewSession.MAX_ID_LENGTH) {
            throw new IllegalArgumentException("refresh hash must be 1 to " + NewSession.MAX_ID_LENGTH
                    + " characters: " + newHash.length());
        }
        if (successor.length() > MAX_SUCCESSOR_LENGTH) {
            throw new IllegalArgumentException("successor longer than " + MAX_SUCCESSOR_LENGTH + " characters: "
                    + successor.length());
        }
        Instant now = Instant.ofEpochMilli(clock.millis());
        return database.async("rotate refresh token", connection -> Jdbc.inTransaction(connection, tx -> {
            Optional<Family> locked = Jdbc.queryOne(tx, LOCK_FAMILY, SqlSessionStore::family, sessionId);
            if (locked.isEmpty()) {
                return Rotation.unknown();
            }
            Family family = locked.get();
            if (!family.session.isLiveAt(now)) {
                Jdbc.update(tx, DELETE, sessionId);
                return Rotation.unknown();
            }
            if (presentedHash.equals(family.currentHash)) {
                if (family.previousHash != null) {
                    Jdbc.insertIgnoringDuplicate(tx, RETIRE, sessionId, family.previousHash);
                }
                Session s = family.session;
                Session rotated = new Session(s.id(), s.userId(), s.createdAt(), now, s.expiresAt(), s.idleTimeout(),
                        s.device());
                Jdbc.update(tx, ROTATE, newHash, now.toEpochMilli(), successor, now.toEpochMilli(),
                        rotated.idleExpiresAt().toEpochMilli(), sessionId);
                return new Rotation(Rotation.Outcome.ROTATED, rotated, null);
            }
            boolean previous = presentedHash.equals(family.previousHash);
            if (previous && now.isBefore(Instant.ofEpochMilli(family.rotatedAt).plus(grace))) {
                return new Rotation(Rotation.Outcome.GRACE_RETRY, family.session, family.successor);
            }
            if (previous || Jdbc.queryOne(tx, IS_RETIRED, row -> true, sessionId, presentedHash).isPresent()) {
                Jdbc.update(tx, DELETE, sessionId);
                return new Rotation(Rotation.Outcome.REUSE_DETECTED, family.session, null);
            }
            return Rotation.unknown();
        }));
    }

    @Override
    public CompletionStage<Optional<Session>> revoke(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        Instant now = Instant.ofEpochMilli(clock.millis());
        return database.async("revoke session", connection -> Jdbc.inTransaction(connection, tx -> {
            Optional<Family> locked = Jdbc.queryOne(tx, LOCK_FAMILY, SqlSessionStore::family, sessionId);
            if (locked.isEmpty()) {
                return Optional.<Session>empty();
            }
            Jdbc.update(tx, DELETE, sessionId);
            Session session = locked.get().session;
            return session.isLiveAt(now) ? Optional.of(session) : Optional.<Session>empty();
        }));
    }

    @Override
    public CompletionStage<List<String>> revokeAllForUser(String userId, String keepSessionId) {
        Objects.requireNonNull(userId, "userId");
        long now = clock.millis();
        return database.async("revoke user sessions", connection -> Jdbc.inTransaction(connection, tx -> {
            Jdbc.query(tx, LOCK_OWNER, row -> row.getString(1), userId);
            List<String> ended = new ArrayList<>();
            for (Session session : Jdbc.query(tx, LIVE_OF_USER, SqlSessionStore::session, userId, now)) {
                if (!session.id().equals(keepSessionId)) {
                    Jdbc.update(tx, DELETE, session.id());
                    ended.add(session.id());
                }
            }
            Jdbc.update(tx, DELETE_EXPIRED_OF_USER, userId, now);
            return ended;
        }));
    }

    private static Session session(ResultSet row) throws SQLException {
        return new Session(row.getString("id"), row.getString("user_id"),
                Instant.ofEpochMilli(row.getLong("created_at")), Instant.ofEpochMilli(row.getLong("last_seen_at")),
                Instant.ofEpochMilli(row.getLong("expires_at")), Duration.ofMillis(row.getLong("idle_timeout_ms")),
                new Device(row.getString("user_agent"), row.getString("ip"), row.getString("fingerprint")));
    }

    private static Family family(ResultSet row) throws SQLException {
        return new Family(session(row), row.getString("current_hash"), row.getString("previous_hash"),
                Jdbc.nullableLong(row, "rotated_at"), row.getString("successor"));
    }
}
