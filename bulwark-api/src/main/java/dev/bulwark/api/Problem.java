package dev.bulwark.api;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An RFC 9457 problem detail: the body of every refusal.
 *
 * <p>Carries no stack trace and no secret; {@code detail} is written by Bulwark and names the bad value
 * only when that value is safe to echo (a path, a header name), never a token or a password.
 *
 * @param type      a stable URI identifying the kind of problem
 * @param title     a short summary, the same for every occurrence of {@code type}
 * @param status    the HTTP status code
 * @param detail    an explanation of this occurrence
 * @param requestId the request id the client can quote to an operator; may be {@code null}
 */
public record Problem(String type, String title, int status, String detail, String requestId) {

    /** The media type of a serialized problem. */
    public static final String CONTENT_TYPE = "application/problem+json";

    public Problem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(title, "title");
    }

    /** @return a problem with the type, title and status of {@code reason} */
    public static Problem of(Reason reason, String detail, String requestId) {
        return new Problem(reason.type(), reason.title(), reason.status(), detail, requestId);
    }

    /** @return this problem as a compact JSON object */
    public String toJson() {
        StringBuilder json = new StringBuilder(160);
        json.append("{\"type\":");
        JsonText.quote(type, json);
        json.append(",\"title\":");
        JsonText.quote(title, json);
        json.append(",\"status\":").append(status);
        if (detail != null) {
            json.append(",\"detail\":");
            JsonText.quote(detail, json);
        }
        if (requestId != null) {
            json.append(",\"requestId\":");
            JsonText.quote(requestId, json);
        }
        return json.append('}').toString();
    }

    /** @return {@link #toJson()} as UTF-8 bytes */
    public byte[] toJsonBytes() {
        return toJson().getBytes(StandardCharsets.UTF_8);
    }
}
