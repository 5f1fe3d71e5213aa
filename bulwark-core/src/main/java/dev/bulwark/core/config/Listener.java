package dev.bulwark.core.config;

import dev.bulwark.core.admin.AdminConfig;

/**
 * The gateway's listening ports and what each one serves: the one place that decides it, from {@code server.port},
 * {@code server.adminPort} and {@code admin.port}. A host opens every listener that {@link #isOpen is open} and
 * answers a request with what the listener it arrived on serves:
 *
 * <ul>
 *   <li>{@link #MAIN} ({@code server.port}, always open): the routes; the built-in endpoints ({@code /_bulwark/...})
 *       unless {@code server.adminPort} is set; the admin API, when it is on, unless {@code admin.port} is set.</li>
 *   <li>{@link #BUILTINS} ({@code server.adminPort}, open when it is set): the built-in endpoints, and the admin API
 *       when {@code admin.port} is the same number.</li>
 *   <li>{@link #ADMIN_API} ({@code admin.port}, open when the API is on and {@code admin.port} is set to another
 *       number than {@code server.adminPort}): the admin API only.</li>
 * </ul>
 *
 * <p>So the built-in endpoints, and the admin API when it is on, are each served by exactly one listener, and only
 * the main one serves routes. A path a listener does not serve is an unknown path there: {@code 404}, on the main
 * port too, where neither a catch-all route nor the fallback upstream takes it. The route compiler, not this type, refuses a
 * {@code server.adminPort} or {@code admin.port} equal to {@code server.port}. Stateless and thread-safe.
 */
public enum Listener {

    /** {@code server.port}. */
    MAIN,
    /** {@code server.adminPort}. */
    BUILTINS,
    /** {@code admin.port}, when it is not {@code server.adminPort}. */
    ADMIN_API;

    /**
     * @return the listener that serves the built-in endpoints: {@link #BUILTINS} when {@code server.adminPort} is
     *     set, otherwise {@link #MAIN}
     */
    public static Listener builtins(BulwarkConfig config) {
        return server(config).adminPort() != null ? BUILTINS : MAIN;
    }

    /**
     * @return the listener that serves the admin API: {@link #MAIN} when {@code admin.port} is not set,
     *     {@link #BUILTINS} when it equals {@code server.adminPort}, otherwise {@link #ADMIN_API}; {@code null} when
     *     the API is off (no {@code admin} section, or {@code enabled: false})
     */
    public static Listener adminApi(BulwarkConfig config) {
        AdminConfig admin = config.admin();
        if (admin == null || !admin.enabled()) {
            return null;
        }
        if (admin.port() == null) {
            return MAIN;
        }
        return admin.port().equals(server(config).adminPort()) ? BUILTINS : ADMIN_API;
    }

    /** @return whether the host opens this listener for {@code config}: it serves something there */
    public boolean isOpen(BulwarkConfig config) {
        return this == MAIN || builtins(config) == this || adminApi(config) == this;
    }

    /**
     * @return the port configured for this listener (0: any free one)
     * @throws IllegalStateException when the listener is not {@link #isOpen open} for {@code config}
     */
    public int port(BulwarkConfig config) {
        if (!isOpen(config)) {
            throw new IllegalStateException("listener " + this + " is not open in this configuration");
        }
        return switch (this) {
            case MAIN -> server(config).port();
            case BUILTINS -> server(config).adminPort();
            case ADMIN_API -> config.admin().port();
        };
    }

    /** @return whether this listener serves the routes (and the fallback upstream): the main one only */
    public boolean servesRoutes() {
        return this == MAIN;
    }

    /** @return whether this listener serves the built-in endpoints under {@code config} */
    public boolean servesBuiltins(BulwarkConfig config) {
        return builtins(config) == this;
    }

    /** @return whether this listener serves the admin API under {@code config} */
    public boolean servesAdminApi(BulwarkConfig config) {
        return adminApi(config) == this;
    }

    private static ServerConfig server(BulwarkConfig config) {
        return config.server() != null ? config.server() : ServerConfig.DEFAULT;
    }
}
