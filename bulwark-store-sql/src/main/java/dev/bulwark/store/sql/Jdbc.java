package dev.bulwark.store.sql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Small JDBC helpers the stores share: binding, querying, transactions, name sets, stored keys. Stateless. */
final class Jdbc {

    /** SQLState of a unique or primary key violation, on both engines. */
    static final String UNIQUE_VIOLATION = "23505";
    /** Longest caller key stored as written; longer keys are stored as their SHA-256. */
    static final int MAX_STORED_KEY = 256;

    /** Maps one result row. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private Jdbc() {
    }

    static int update(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, values)) {
            return statement.executeUpdate();
        }
    }

    static <T> List<T> query(Connection connection, String sql, RowMapper<T> mapper, Object... values)
            throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, values);
             ResultSet rows = statement.executeQuery()) {
            List<T> results = new ArrayList<>();
            while (rows.next()) {
                results.add(mapper.map(rows));
            }
            return results;
        }
    }

    static <T> Optional<T> queryOne(Connection connection, String sql, RowMapper<T> mapper, Object... values)
            throws SQLException {
        List<T> rows = query(connection, sql, mapper, values);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... values)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) {
                    // Untyped, so the server infers the column's type (a typed VARCHAR null fails on BIGINT).
                    statement.setNull(i + 1, Types.NULL);
                } else {
                    statement.setObject(i + 1, values[i]);
                }
            }
            return statement;
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
    }

    /** Inserts, treating a concurrent duplicate as "not inserted" (H2 may raise it even with ON CONFLICT). */
    static boolean insertIgnoringDuplicate(Connection connection, String sql, Object... values) throws SQLException {
        try {
            return update(connection, sql, values) == 1;
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Runs {@code work} in one transaction on {@code connection}: committed when it returns, rolled back when
     * it throws. The connection is back in auto-commit mode afterwards.
     */
    static <T> T inTransaction(Connection connection, SqlDatabase.SqlWork<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    static String joinNames(Set<String> names) {
        return String.join("\n", names);
    }

    static Set<String> splitNames(String text) {
        Set<String> names = new TreeSet<>();
        if (text != null && !text.isEmpty()) {
            names.addAll(List.of(text.split("\n")));
        }
        return names;
    }

    /** @return the long column's value, or {@code null} when SQL NULL */
    static Long nullableLong(ResultSet row, String column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }

    /**
     * @param what names the key in the error message, e.g. {@code "idempotency key"}
     * @return {@code key} itself, or {@code sha256:<hex>} of it when longer than {@value #MAX_STORED_KEY} characters
     * @throws IllegalArgumentException when {@code key} is empty
     */
    static String storedKey(String key, String what) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        if (key.length() <= MAX_STORED_KEY) {
            return key;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every jdk has sha-256", e);
        }
    }
}
