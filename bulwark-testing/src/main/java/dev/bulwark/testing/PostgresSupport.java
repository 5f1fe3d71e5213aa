package dev.bulwark.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

/**
 * A JUnit 5 extension giving a test class its own schema on the machine's PostgreSQL server, dropped with
 * everything in it after the class.
 *
 * <p>Register it as a static field: {@code @RegisterExtension static final PostgresSupport PG = new
 * PostgresSupport();}, then connect with {@link #url()}, {@link #username()}, {@link #password()} and
 * {@link #schema()}. The server is {@code jdbc:postgresql://127.0.0.1:5432/test} as user {@code postgres} (trust
 * authentication) unless {@code BULWARK_PG_URL}, {@code BULWARK_PG_USER} and {@code BULWARK_PG_PASSWORD} say
 * otherwise. When the server cannot be reached the class is reported as skipped, with the reason in the test
 * report and one line on standard error, or fails when {@code BULWARK_IT_REQUIRED=1} (CI sets it where PostgreSQL
 * must be present). Not thread-safe; one instance per test class.
 */
public final class PostgresSupport implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {

    /** Where the server is looked for unless {@code BULWARK_PG_URL} is set. */
    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private final String url = env("BULWARK_PG_URL", DEFAULT_URL);
    private final String username = env("BULWARK_PG_USER", "postgres");
    private final String password = env("BULWARK_PG_PASSWORD", "");
    private String schema;

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Disables the class, with the reason, when the server is unreachable and not required. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isPresent() || required()) {
            return ConditionEvaluationResult.enabled("postgres required or already checked for the class");
        }
        try (Connection ignored = connect()) {
            return ConditionEvaluationResult.enabled("PostgreSQL reachable at " + url);
        } catch (SQLException e) {
            String reason = "PostgreSQL not reachable at " + url + " as " + username + " (" + e.getMessage()
                    + "): skipped; set BULWARK_IT_REQUIRED=1 to require it";
            // Surefire hides skip reasons on the console; one line says why these tests did not run.
            System.err.println("[bulwark] " + context.getDisplayName() + ": " + reason);
            return ConditionEvaluationResult.disabled(reason);
        }
    }

    private static boolean required() {
        return "1".equals(System.getenv("BULWARK_IT_REQUIRED"));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String name = "it_" + context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]", "") + "_" + UUID.randomUUID().toString().substring(0, 8);
        name = name.length() > 60 ? name.substring(0, 60) : name;
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            // Reached only when the server is required (or vanished since the condition was evaluated).
            throw new IllegalStateException("PostgreSQL not reachable at " + url + " as " + username + " ("
                    + e.getMessage() + ")" + (required() ? ": BULWARK_IT_REQUIRED=1 requires it" : ""), e);
        }
        schema = name;
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (schema == null) {
            return;
        }
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
        } finally {
            schema = null;
        }
    }

    private Connection connect() throws SQLException {
        DriverManager.setLoginTimeout(3);
        Properties properties = new Properties();
        properties.setProperty("user", username);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(url, properties);
    }

    /** @return the JDBC URL of the server */
    public String url() {
        return url;
    }

    /** @return the user to connect as */
    public String username() {
        return username;
    }

    /** @return the password; empty for trust authentication */
    public String password() {
        return password;
    }

    /**
     * @return this class's schema: lower-case, unique per run, already created
     * @throws IllegalStateException outside the registered class's lifetime
     */
    public String schema() {
        if (schema == null) {
            throw new IllegalStateException("postgres support is not active: register it as a static extension");
        }
        return schema;
    }
}
