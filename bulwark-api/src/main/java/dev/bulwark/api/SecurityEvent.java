package dev.bulwark.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One structured record of a security decision worth knowing about: every refusal emits exactly one.
 *
 * <p>Never carries secrets: {@code detail} is written by Bulwark's own code, never copied from a header,
 * token or body.
 *
 * @param time      when it happened (from the injected clock)
 * @param reason    the stable reason
 * @param source    what emitted it, e.g. {@code "cors"} or {@code "proxy"}
 * @param requestId the request id, or {@code null} outside a request
 * @param routeId   the matched route, or {@code null} when none matched
 * @param clientIp  the trusted client address, or {@code null}
 * @param tenant    the resolved tenant, or {@code null}
 * @param detail    a short explanation naming the bad value, safe to log
 */
public record SecurityEvent(Instant time, Reason reason, String source, String requestId, String routeId,
                            String clientIp, String tenant, String detail) {

    public SecurityEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(source, "source");
    }

    /** @return the severity implied by the reason */
    public Severity severity() {
        return reason.severity();
    }
}
