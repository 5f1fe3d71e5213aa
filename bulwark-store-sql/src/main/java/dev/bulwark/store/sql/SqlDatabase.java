package dev.bulwark.store.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.bulwark.api.store.StoreUnavailableException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * One pooled, migrated SQL database that the JDBC stores share: an embedded H2 file database for a single
 * node, or PostgreSQL for several.
 *
 * <p>Opening pools connections with HikariCP and applies the Flyway migrations in {@code db/migration} before
 * returning, so every store finds its tables. The SQL is written once for both engines: H2 runs in its
 * PostgreSQL compatibility mode. Blocking JDBC work runs through {@link #async} on virtual threads, so stores
 * keep their non-blocking contract; failures surface as {@link StoreUnavailableException}.
 *
 * <p>Thread-safe. {@link #close()} closes the pool; stores using it fail afterwards.
 */
public final class SqlDatabase implements AutoCloseable {

    /** Which engine is behind the pool; the SQL is shared, only connection set-up differs. */
    public enum Engine { H2, POSTGRESQL }

    /** Work with one pooled connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        /**
         * @param connection an auto-commit connection, returned to the pool afterwards
         * @return the result
         * @throws SQLException on any database error
         */
        T run(Connection connection) throws SQLException;
    }

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final long CONNECTION_TIMEOUT_MILLIS = 3_000;
    /** H2 reads it once, when its first class loads; it decides where the AUTO_SERVER port listens. */
    private static final String H2_BIND_ADDRESS = "h2.bindAddress";

    static {
        // AUTO_SERVER's TCP server accepts remote connections and binds every interface unless this is set, and
        // the database password is empty: only the random key in the .lock.db file would stand between the
        // network and the users table. Loopback keeps it a local matter. An operator's own setting wins.
        if (System.getProperty(H2_BIND_ADDRESS) == null) {
            System.setProperty(H2_BIND_ADDRESS, "127.0.0.1");
        }
    }

    private final Engine engine;
    private final HikariDataSource dataSource;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private SqlDatabase(Engine engine, HikariDataSource dataSource) {
        this.engine = engine;
        this.dataSource = dataSource;
    }

    /**
     * Opens (creating when absent) the embedded database {@code <directory>/bulwark.mv.db} and migrates it.
     *
     * <p>Several processes may open the same directory at once (a gateway and the {@code bulwark users}
     * command): the first opens the file and serves it to the others over a TCP port on the loopback interface
     * (H2's {@code AUTO_SERVER} mode; the port and a random access key are in {@code bulwark.lock.db}). When that
     * process closes, another one takes the file over and its connections reconnect.
     *
     * @param directory the data directory; created when missing
     * @throws StoreUnavailableException when the file cannot be opened (no permission, the process serving
     *     it does not answer) or a migration fails
     */
    public static SqlDatabase h2(Path directory) {
        Path base = directory.toAbsolutePath().normalize().resolve("bulwark");
        HikariConfig config = baseConfig("bulwark-h2");
        // PostgreSQL mode and lower-case identifiers let one set of migrations and statements serve both engines.
        // AUTO_SERVER: without it the file lock keeps every other process out while a gateway runs.
        config.setJdbcUrl("jdbc:h2:file:" + base
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE");
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(8);
        return open(Engine.H2, config, null, "h2 database in " + directory);
    }

    /**
     * Connects to PostgreSQL and migrates the connection's default schema (normally {@code public}).
     *
     * @param jdbcUrl  e.g. {@code jdbc:postgresql://127.0.0.1:5432/bulwark}
     * @param username the database user
     * @param password the password; {@code null} or empty for trust authentication
     * @throws StoreUnavailableException when the server is unreachable or a migration fails
     */
    public static SqlDatabase postgresql(String jdbcUrl, String username, String password) {
        return postgresql(jdbcUrl, username, password, null);
    }

    /**
     * Connects to PostgreSQL, with every connection's search path set to {@code schema}, which is created and
     * migrated when absent (tests use one schema per class; deployments may separate environments).
     *
     * @param schema lower-case letters, digits and {@code _}; {@code null} for the default schema
     * @throws IllegalArgumentException when {@code schema} is not a plain lower-case identifier or the URL is
     *     not a PostgreSQL JDBC URL
     * @throws StoreUnavailableException when the server is unreachable or a migration fails
     */
    public static SqlDatabase postgresql(String jdbcUrl, String username, String password, String schema) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("postgresql url must start with jdbc:postgresql: " + jdbcUrl);
        }
        if (schema != null && !SCHEMA.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema must be a lower-case sql identifier: " + schema);
        }
        HikariConfig config = baseConfig("bulwark-postgresql");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(username);
        config.setPassword(password == null ? "" : password);
        config.setMaximumPoolSize(10);
        if (schema != null) {
            config.setSchema(schema);
        }
        return open(Engine.POSTGRESQL, config, schema, "postgresql at " + redactUrl(jdbcUrl));
    }

    private static HikariConfig baseConfig(String poolName) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        config.setInitializationFailTimeout(CONNECTION_TIMEOUT_MILLIS);
        config.setAutoCommit(true);
        return config;
    }

    private static SqlDatabase open(Engine engine, HikariConfig config, String schema, String description) {
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("cannot open " + description + ": " + rootMessage(e), e);
        }
        try {
            var flyway = Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .table("bulwark_schema_history");
            if (schema != null) {
                flyway.schemas(schema).createSchemas(true);
            }
            flyway.load().migrate();
        } catch (FlywayException e) {
            dataSource.close();
            throw new StoreUnavailableException("cannot migrate " + description + ": " + rootMessage(e), e);
        }
        return new SqlDatabase(engine, dataSource);
    }

    /** Drops credentials from a JDBC URL before it goes into an error message. */
    private static String redactUrl(String jdbcUrl) {
        int query = jdbcUrl.indexOf('?');
        return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    /** @return the engine behind the pool */
    public Engine engine() {
        return engine;
    }

    /** @return the pooled data source, for stores that manage their own statements */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Runs blocking JDBC work on a virtual thread with one pooled connection.
     *
     * @param what a short lowercase description for the error message, e.g. {@code "claim idempotency key"}
     * @return the work's result; fails with {@link StoreUnavailableException} on any {@link SQLException} or
     *     when no connection could be had in time
     */
    public <T> CompletionStage<T> async(String what, SqlWork<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(call(what, work));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(new StoreUnavailableException("cannot " + what + ": database closed", e));
        }
        return result;
    }

    /**
     * Runs JDBC work on the calling thread, for start-up and tests; stores on the request path use
     * {@link #async}.
     *
     * @throws StoreUnavailableException on any {@link SQLException}
     */
    public <T> T call(String what, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        dataSource.close();
    }

    @Override
    public String toString() {
        return "SqlDatabase[" + engine + "]";
    }
}
