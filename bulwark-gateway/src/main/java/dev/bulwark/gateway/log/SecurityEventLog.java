package dev.bulwark.gateway.log;

import dev.bulwark.api.SecurityEvent;
import dev.bulwark.api.SecurityEventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SecurityEventSink} that writes each event as one JSON line on the {@code bulwark.security} logger,
 * at WARN for high and critical events and INFO otherwise.
 *
 * <p>Events never carry secrets (see {@link SecurityEvent}); this sink adds nothing from the request.
 * Thread-safe; non-blocking as long as the logger's appender is asynchronous (see {@code logback.xml}).
 */
public final class SecurityEventLog implements SecurityEventSink {

    private static final Logger LOG = LoggerFactory.getLogger("bulwark.security");

    @Override
    public void emit(SecurityEvent event) {
        String line = new JsonLine()
                .field("time", event.time().toString())
                .field("event_type", event.reason().name())
                .field("severity", event.severity().label())
                .field("source", event.source())
                .field("requestId", event.requestId(), 128)
                .field("routeId", event.routeId())
                .field("clientIp", event.clientIp(), 64)
                .field("tenant", event.tenant(), 128)
                .field("detail", event.detail())
                .toString();
        switch (event.severity()) {
            case HIGH, CRITICAL -> LOG.warn(line);
            default -> LOG.info(line);
        }
    }
}
