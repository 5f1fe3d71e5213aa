package dev.bulwark.core.shedding;

/**
 * How important a route's requests are when the gateway is overloaded: the lowest class is shed first. A route
 * without a {@code priority} is {@link #NORMAL}; built-in health endpoints are {@link #CRITICAL}.
 */
public enum Priority {
    /** Health checks and the gateway's own endpoints: shed last. */
    CRITICAL,
    /** Logins, token refresh and other traffic users wait on. */
    HIGH,
    /** Ordinary API requests. */
    NORMAL,
    /** Exports, reports, batch jobs: shed first. */
    BULK
}
