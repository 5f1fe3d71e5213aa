package dev.bulwark.gateway.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.bulwark.api.store.StoreUnavailableException;
import dev.bulwark.api.store.User;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigException;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.config.ConfigProblem;
import dev.bulwark.core.config.StorageConfig;
import dev.bulwark.core.routing.RouteCompiler;
import dev.bulwark.gateway.storage.GatewayStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The accounts, signing keys, tenants and API keys of one configuration, opened for a {@code bulwark users},
 * {@code keys}, {@code tenants} or {@code apikeys} command: the configured storage and the {@link AuthServices} over it, with the master key chosen as the
 * gateway chooses it ({@code auth.masterKey}, else the development key file next to the H2 database). A
 * gateway may be running on the same storage at the same time.
 *
 * <p>{@link #open} throws {@link ConfigException} when the file is invalid, has no {@code auth} section or keeps
 * state in memory (a command's memory ends with it), and {@link IllegalStateException} when the storage or the
 * keys cannot be opened. {@link #close()} releases both. Not thread-safe; one per command.
 */
final class IdentityAdmin implements AutoCloseable {

    /** The longest a command waits for one store operation. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final BulwarkConfig config;
    private final GatewayStorage storage;
    private final AuthServices auth;

    private IdentityAdmin(BulwarkConfig config, GatewayStorage storage, AuthServices auth) {
        this.config = config;
        this.storage = storage;
        this.auth = auth;
    }

    /**
     * Loads and checks the configuration, opens its storage and starts identity over it.
     *
     * @throws ConfigException       when the configuration is invalid, has no {@code auth} section or uses
     *                               memory storage
     * @throws IllegalStateException when the storage cannot be opened or a stored key does not decrypt
     */
    static IdentityAdmin open(Path file, CommandEnvironment environment) {
        BulwarkConfig config = ConfigLoader.load(file);
        RouteCompiler.check(config);
        if (config.auth() == null) {
            throw new ConfigException(List.of(new ConfigProblem("auth", "is required: 'bulwark users', 'keys',"
                    + " 'tenants' and 'apikeys' manage what the auth section keeps, and " + file + " has none")));
        }
        StorageConfig storageConfig = config.storage();
        if (storageConfig == null || storageConfig.kind() == StorageConfig.Kind.MEMORY) {
            throw new ConfigException(List.of(new ConfigProblem(storageConfig == null ? "storage" : "storage.kind",
                    "users and signing keys need h2 or postgresql storage: memory storage"
                            + (storageConfig == null ? " (the default when storage is absent)" : "")
                            + " ends with the process that holds it")));
        }
        if (environment.ownsProcess()) {
            quietLibraryLogs();
        }
        GatewayStorage storage;
        try {
            storage = GatewayStorage.open(storageConfig, environment.clock());
        } catch (StoreUnavailableException e) {
            throw new IllegalStateException("cannot open storage: " + e.getMessage(), e);
        }
        try {
            // Commands never verify tokens, so they need not fetch (or wait up to 10 s for) every issuer's JWKS.
            return new IdentityAdmin(config, storage, AuthServices.start(config.auth().withoutExternalIssuers(),
                    storage.identityStores(), storage.masterKey(config.auth()), environment.clock()));
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
    }

    /**
     * The pool, migration and start-up INFO lines would mix with what the command prints (an id a script
     * reads); warnings and errors still show. Loggers the configuration set explicitly are lowered too.
     */
    private static void quietLibraryLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
            for (ch.qos.logback.classic.Logger logger : logback.getLoggerList()) {
                if (logger.getLevel() != null && !logger.getLevel().isGreaterOrEqual(Level.WARN)) {
                    logger.setLevel(Level.WARN);
                }
            }
        }
    }

    /** @return the loaded configuration */
    BulwarkConfig config() {
        return config;
    }

    /** @return identity over the configured storage */
    AuthServices auth() {
        return auth;
    }

    /**
     * Finds a user by email.
     *
     * @throws IllegalStateException naming the email when there is no such user
     */
    User user(String email) {
        return await(auth.identity().users().findByEmail(email))
                .orElseThrow(() -> new IllegalStateException("no user with email " + TextTable.printable(email)));
    }

    /**
     * Waits for a store operation.
     *
     * @throws RuntimeException the operation's own failure (e.g. {@link StoreUnavailableException}), or
     *                          {@link IllegalStateException} when it takes longer than {@link #TIMEOUT}
     */
    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("storage did not answer within " + TIMEOUT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(String.valueOf(e.getCause().getMessage()), e.getCause());
        }
    }

    @Override
    public void close() {
        try {
            auth.close();
        } finally {
            storage.close();
        }
    }
}
