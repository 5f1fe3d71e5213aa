package dev.bulwark.api;

/**
 * Receives security events. Implementations must be thread-safe and must not block the caller
 * (hand off to a queue or a log appender).
 */
@FunctionalInterface
public interface SecurityEventSink {

    /** @param event the event; never {@code null} */
    void emit(SecurityEvent event);

    /** @return a sink that drops everything; for tests and tools that do not care */
    static SecurityEventSink discard() {
        return event -> { };
    }
}
