package dev.bulwark.store.sql;

import dev.bulwark.api.store.CreateUserResult;
import dev.bulwark.api.store.NewUser;
import dev.bulwark.api.store.User;
import dev.bulwark.api.store.UserPage;
import dev.bulwark.api.store.UserStatus;
import dev.bulwark.api.store.UserStore;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * A {@link UserStore} in the {@code bulwark_users} table of a {@link SqlDatabase}.
 *
 * <p>Every write is one statement: creation is {@code INSERT ... ON CONFLICT DO NOTHING} (the unique email and
 * the primary key make exactly one of any number of concurrent registrations insert), the re-hash is an
 * {@code UPDATE ... WHERE password_hash = ?} compare-and-set, and the other updates are one {@code UPDATE} each
 * (the atomic step) followed by a {@code SELECT} that returns the row as it now is. Listing is keyset-paginated on the
 * unique email. Timestamps come from the injected clock, in milliseconds. Thread-safe; work runs off the
 * caller's thread and failures complete stages with {@link dev.bulwark.api.store.StoreUnavailableException}.
 */
public final class SqlUserStore implements UserStore {

    private static final String COLUMNS = "id, email, password_hash, roles, permissions, tenants, status,"
            + " created_at, updated_at, password_changed_at";
    private static final String INSERT = "INSERT INTO bulwark_users (" + COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM bulwark_users WHERE id = ?";
    private static final String BY_EMAIL = "SELECT " + COLUMNS + " FROM bulwark_users WHERE email = ?";
    private static final String REHASH = "UPDATE bulwark_users SET password_hash = ?, updated_at = ?"
            + " WHERE id = ? AND password_hash = ?";
    private static final String CHANGE_PASSWORD = "UPDATE bulwark_users SET password_hash = ?, updated_at = ?,"
            + " password_changed_at = ? WHERE id = ?";
    private static final String SET_ACCESS = "UPDATE bulwark_users SET roles = ?, permissions = ?, updated_at = ?"
            + " WHERE id = ?";
    private static final String SET_TENANTS = "UPDATE bulwark_users SET tenants = ?, updated_at = ? WHERE id = ?";
    private static final String SET_STATUS = "UPDATE bulwark_users SET status = ?, updated_at = ? WHERE id = ?";
    private static final String FIRST_PAGE = "SELECT " + COLUMNS + " FROM bulwark_users ORDER BY email LIMIT ?";
    private static final String NEXT_PAGE = "SELECT " + COLUMNS + " FROM bulwark_users WHERE email > ?"
            + " ORDER BY email LIMIT ?";

    /** The size of the roles, permissions and tenants columns; each set is stored newline-separated. */
    public static final int MAX_NAMES_LENGTH = 8192;

    private final SqlDatabase database;
    private final Clock clock;

    /**
     * @param database the migrated database
     * @param clock    the clock timestamps are taken from
     */
    public SqlUserStore(SqlDatabase database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CompletionStage<CreateUserResult> create(NewUser user) {
        Objects.requireNonNull(user, "user");
        long now = clock.millis();
        return database.async("create user", connection -> {
            boolean inserted = Jdbc.insertIgnoringDuplicate(connection, INSERT, user.id(), user.email(),
                    user.passwordHash(), Jdbc.joinNames(user.roles()), Jdbc.joinNames(user.permissions()),
                    Jdbc.joinNames(user.tenants()), UserStatus.ACTIVE.name(), now, now, now);
            if (!inserted) {
                return new CreateUserResult.EmailTaken();
            }
            Instant at = Instant.ofEpochMilli(now);
            return new CreateUserResult.Created(new User(user.id(), user.email(), user.passwordHash(), user.roles(),
                    user.permissions(), user.tenants(), UserStatus.ACTIVE, at, at, at));
        });
    }

    @Override
    public CompletionStage<Optional<User>> findById(String id) {
        Objects.requireNonNull(id, "id");
        return database.async("find user", connection -> Jdbc.queryOne(connection, BY_ID, SqlUserStore::user, id));
    }

    @Override
    public CompletionStage<Optional<User>> findByEmail(String email) {
        String normalized = User.normalizeEmail(email);
        return database.async("find user",
                connection -> Jdbc.queryOne(connection, BY_EMAIL, SqlUserStore::user, normalized));
    }

    @Override
    public CompletionStage<Boolean> rehashPassword(String id, String expectedHash, String newHash) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(expectedHash, "expectedHash");
        Objects.requireNonNull(newHash, "newHash");
        long now = clock.millis();
        return database.async("rehash password",
                connection -> Jdbc.update(connection, REHASH, newHash, now, id, expectedHash) == 1);
    }

    @Override
    public CompletionStage<Optional<User>> changePassword(String id, String newHash) {
        Objects.requireNonNull(newHash, "newHash");
        long now = clock.millis();
        return updateThenRead("change password", id, CHANGE_PASSWORD, newHash, now, now, id);
    }

    @Override
    public CompletionStage<Optional<User>> setAccess(String id, Set<String> roles, Set<String> permissions) {
        User.names(roles, "roles");
        User.names(permissions, "permissions");
        return updateThenRead("set user access", id, SET_ACCESS, Jdbc.joinNames(roles),
                Jdbc.joinNames(permissions), clock.millis(), id);
    }

    @Override
    public CompletionStage<Optional<User>> setTenants(String id, Set<String> tenants) {
        String joined = Jdbc.joinNames(User.names(tenants, "tenants"));
        if (joined.length() > MAX_NAMES_LENGTH) {
            // Refused here: the database would fail the statement, which reads as an outage.
            throw new IllegalArgumentException("tenants take more than " + MAX_NAMES_LENGTH + " characters: "
                    + joined.length());
        }
        return updateThenRead("set user tenants", id, SET_TENANTS, joined, clock.millis(), id);
    }

    @Override
    public CompletionStage<Optional<User>> setStatus(String id, UserStatus status) {
        Objects.requireNonNull(status, "status");
        return updateThenRead("set user status", id, SET_STATUS, status.name(), clock.millis(), id);
    }

    @Override
    public CompletionStage<UserPage> list(String after, int limit) {
        if (limit < 1 || limit > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page size must be between 1 and " + MAX_PAGE_SIZE + ": " + limit);
        }
        return database.async("list users", connection -> {
            // One row more than asked says whether a next page exists without a second query.
            List<User> rows = after == null
                    ? Jdbc.query(connection, FIRST_PAGE, SqlUserStore::user, limit + 1)
                    : Jdbc.query(connection, NEXT_PAGE, SqlUserStore::user, after, limit + 1);
            if (rows.size() <= limit) {
                return new UserPage(rows, null);
            }
            List<User> page = rows.subList(0, limit);
            return new UserPage(page, page.get(limit - 1).email());
        });
    }

    private CompletionStage<Optional<User>> updateThenRead(String what, String id, String sql, Object... values) {
        Objects.requireNonNull(id, "id");
        return database.async(what, connection -> {
            if (Jdbc.update(connection, sql, values) == 0) {
                return Optional.empty();
            }
            return Jdbc.queryOne(connection, BY_ID, SqlUserStore::user, id);
        });
    }

    private static User user(ResultSet row) throws SQLException {
        return new User(row.getString("id"), row.getString("email"), row.getString("password_hash"),
                Jdbc.splitNames(row.getString("roles")), Jdbc.splitNames(row.getString("permissions")),
                Jdbc.splitNames(row.getString("tenants")), UserStatus.valueOf(row.getString("status")),
                Instant.ofEpochMilli(row.getLong("created_at")), Instant.ofEpochMilli(row.getLong("updated_at")),
                Instant.ofEpochMilli(row.getLong("password_changed_at")));
    }
}
