package dev.bulwark.core.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the gateway keeps shared state (idempotency keys today; sessions and users later): in memory, in an
 * embedded H2 file database, or in PostgreSQL. Only the gateway reads it; filters see the stores it builds.
 *
 * @param kind     the backend
 * @param path     the H2 data directory; {@code null} means {@link #DEFAULT_H2_PATH}
 * @param url      the PostgreSQL JDBC URL, e.g. {@code jdbc:postgresql://db:5432/bulwark}
 * @param username the PostgreSQL user
 * @param password the PostgreSQL password, usually {@code ${file:/run/secrets/pg}}; never printed
 */
public record StorageConfig(Kind kind, Path path, String url, String username, String password) {

    /** The backend. */
    public enum Kind {
        /** This process's memory: lost on restart, not shared between nodes. */
        MEMORY,
        /** An embedded H2 file database: survives restarts, one node. */
        H2,
        /** PostgreSQL: survives restarts, shared by every node. */
        POSTGRESQL
    }

    /** The H2 data directory when none is configured. */
    public static final Path DEFAULT_H2_PATH = Path.of("bulwark-data");

    /** In-memory storage, the default when {@code storage} is absent. */
    public static final StorageConfig MEMORY = new StorageConfig(Kind.MEMORY, null, null, null, null);

    public StorageConfig {
        Objects.requireNonNull(kind, "kind");
    }

    /** @return H2 files under {@code directory} */
    public static StorageConfig h2(Path directory) {
        return new StorageConfig(Kind.H2, directory, null, null, null);
    }

    /** @return the H2 data directory to use */
    public Path effectivePath() {
        return path == null ? DEFAULT_H2_PATH : path;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case MEMORY -> "memory";
            case H2 -> "h2 (" + effectivePath() + ")";
            case POSTGRESQL -> "postgresql (" + (url == null ? "no url" : url.replaceAll("\\?.*", "")) + ")";
        };
    }
}
