package dev.bulwark.gateway.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * Writes one JSON line per request on the {@code bulwark.access} logger.
 *
 * <p>What it logs is chosen so that no secret can reach the log: the normalized path without its query
 * (queries carry tokens), no header except a truncated {@code User-Agent}, never {@code Authorization},
 * {@code Cookie}, {@code Set-Cookie}, signature or API-key headers. Thread-safe.
 */
public final class AccessLog {

    private static final Logger LOG = LoggerFactory.getLogger("bulwark.access");
    private static final int MAX_USER_AGENT = 200;
    private static final int MAX_PATH = 512;

    /** @return whether lines are written at all (the logger may be switched off) */
    public boolean enabled() {
        return LOG.isInfoEnabled();
    }

    /**
     * Logs one finished request.
     *
     * @param entry what to log; its fields are already safe (no query, no credentials)
     */
    public void log(Entry entry) {
        LOG.info(new JsonLine()
                .field("time", entry.time().toString())
                .field("requestId", entry.requestId(), 128)
                .field("routeId", entry.routeId())
                .field("method", entry.method(), 16)
                .field("path", entry.path(), MAX_PATH)
                .field("status", entry.status())
                .field("durationMs", entry.durationMs())
                .field("clientIp", entry.clientIp(), 64)
                .field("bytesIn", entry.bytesIn())
                .field("bytesOut", entry.bytesOut())
                .field("userAgent", entry.userAgent(), MAX_USER_AGENT)
                .toString());
    }

    /**
     * One access-log line.
     *
     * @param time       when the request arrived
     * @param requestId  the request id, or {@code null}
     * @param routeId    the matched route, or {@code null}
     * @param method     the request method
     * @param path       the path without query string
     * @param status     the status sent
     * @param durationMs time from arrival to the last byte sent
     * @param clientIp   the resolved client address
     * @param bytesIn    request body bytes read
     * @param bytesOut   response bytes written
     * @param userAgent  the {@code User-Agent}, or {@code null}
     */
    public record Entry(Instant time, String requestId, String routeId, String method, String path, int status,
                        long durationMs, String clientIp, long bytesIn, long bytesOut, String userAgent) {
    }
}
