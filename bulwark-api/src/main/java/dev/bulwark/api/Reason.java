package dev.bulwark.api;

import java.util.Locale;

/**
 * Why a request was refused or flagged: the stable vocabulary shared by problem bodies, security events,
 * metrics and alert rules.
 *
 * <p>Each reason fixes the HTTP status, the problem {@code type} ({@code urn:bulwark:problem:<slug>}), a
 * short title and a severity. Renaming a constant is a breaking change for users' alert rules; add new
 * ones instead.
 */
public enum Reason {
    ROUTE_NOT_FOUND(404, "No route matches this request", Severity.LOW),
    METHOD_NOT_ALLOWED(405, "Method not allowed on this route", Severity.LOW),
    MALFORMED_REQUEST(400, "Malformed request", Severity.MEDIUM),
    PATH_TRAVERSAL(400, "Path not allowed", Severity.HIGH),
    HOST_NOT_ALLOWED(421, "Unknown host", Severity.MEDIUM),
    HEADERS_TOO_LARGE(431, "Request headers too large", Severity.MEDIUM),
    BODY_TOO_LARGE(413, "Request body too large", Severity.MEDIUM),
    CORS_ORIGIN_DENIED(403, "Origin not allowed", Severity.MEDIUM),
    CORS_METHOD_DENIED(403, "CORS method or header not allowed", Severity.LOW),
    IP_DENIED(403, "Forbidden", Severity.MEDIUM),
    IP_REPUTATION_DENIED(403, "Forbidden", Severity.MEDIUM),
    IP_REPUTATION_LIST_REJECTED(500, "IP reputation list not loaded", Severity.HIGH),
    SCANNER_DETECTED(403, "Forbidden", Severity.MEDIUM),
    INJECTION_DETECTED(403, "Request blocked", Severity.HIGH),
    UPSTREAM_UNAVAILABLE(502, "Upstream unavailable", Severity.HIGH),
    UPSTREAM_TIMEOUT(504, "Upstream timed out", Severity.HIGH),
    SERVICE_UNAVAILABLE(503, "Service unavailable", Severity.HIGH),
    UPSTREAM_CIRCUIT_OPEN(503, "Upstream circuit open", Severity.HIGH),
    UPSTREAM_CIRCUIT_STATE(200, "Upstream circuit changed state", Severity.MEDIUM),
    LOAD_SHED(503, "Gateway overloaded", Severity.MEDIUM),
    WEBHOOK_SIGNATURE_INVALID(401, "Webhook verification failed", Severity.HIGH),
    WEBHOOK_CREDENTIAL_INVALID(403, "Webhook verification failed", Severity.HIGH),
    WEBHOOK_TIMESTAMP_OUT_OF_WINDOW(401, "Webhook verification failed", Severity.HIGH),
    WEBHOOK_DUPLICATE(200, "Duplicate webhook delivery ignored", Severity.LOW),
    IDEMPOTENCY_KEY_REUSED(422, "Idempotency key reused with a different request", Severity.MEDIUM),
    IDEMPOTENCY_REQUEST_IN_PROGRESS(409, "A request with this idempotency key is in progress", Severity.LOW),
    TOKEN_INVALID(401, "Invalid token", Severity.HIGH),
    TOKEN_EXPIRED(401, "Token expired", Severity.LOW),
    TOKEN_REVOKED(401, "Token revoked", Severity.MEDIUM),
    AUTHENTICATION_REQUIRED(401, "Authentication required", Severity.LOW),
    API_KEY_INVALID(401, "Invalid API key", Severity.HIGH),
    API_KEY_GUESSING(429, "Too many invalid API keys", Severity.HIGH),
    CREDENTIALS_INVALID(401, "Invalid email or password", Severity.MEDIUM),
    ACCOUNT_LOCKED(429, "Too many failed logins", Severity.HIGH),
    REFRESH_TOKEN_INVALID(401, "Invalid refresh token", Severity.MEDIUM),
    REFRESH_TOKEN_REUSE(401, "Invalid refresh token", Severity.CRITICAL),
    SESSION_BINDING_CHANGED(401, "Invalid refresh token", Severity.HIGH),
    SESSION_EVICTED(200, "Oldest session ended to respect the session limit", Severity.LOW),
    SESSION_NOT_FOUND(404, "Session not found", Severity.LOW),
    SUSPICIOUS_SESSION(401, "Session ended", Severity.HIGH),
    CSRF_REJECTED(403, "CSRF check failed", Severity.HIGH),
    ROLE_MISSING(403, "Forbidden", Severity.MEDIUM),
    PERMISSION_MISSING(403, "Forbidden", Severity.MEDIUM),
    TENANT_REQUIRED(400, "Tenant required", Severity.LOW),
    TENANT_MISMATCH(403, "Forbidden", Severity.HIGH),
    TENANT_NOT_MEMBER(403, "Forbidden", Severity.MEDIUM),
    TENANT_INACTIVE(403, "Forbidden", Severity.MEDIUM),
    INVALID_INPUT(400, "Invalid input", Severity.LOW),
    PASSWORD_REJECTED(400, "Password does not meet the policy", Severity.LOW),
    REGISTRATION_CLOSED(403, "Registration is closed", Severity.LOW),
    AUTH_BUSY(503, "Too many logins in progress", Severity.HIGH),
    RATE_LIMITED(429, "Too many requests", Severity.MEDIUM),
    RATE_LIMIT_STORE_UNAVAILABLE(503, "Rate limit cannot be checked", Severity.HIGH),
    WEBSOCKET_ORIGIN_REFUSED(403, "WebSocket origin not allowed", Severity.MEDIUM),
    WEBSOCKET_CONNECTION_LIMIT(429, "Too many WebSocket connections", Severity.MEDIUM),
    /** A live socket closed with 1008: the client sent messages faster than the route allows. */
    WEBSOCKET_RATE_LIMITED(429, "Too many WebSocket messages", Severity.MEDIUM),
    /** A live socket closed with 1009: a frame or a message was larger than the route allows. */
    WEBSOCKET_MESSAGE_TOO_BIG(413, "WebSocket message too big", Severity.MEDIUM),
    /** A live socket closed with 1001 after no message either way for the route's idle timeout. */
    WEBSOCKET_IDLE(408, "WebSocket idle", Severity.LOW),
    /** A live socket closed with 1008 because the token it opened with expired or was revoked. */
    WEBSOCKET_CREDENTIAL_ENDED(401, "WebSocket credential ended", Severity.LOW),
    RESOURCE_NOT_FOUND(404, "Not found", Severity.LOW),
    RESOURCE_CONFLICT(409, "Already exists", Severity.LOW),
    ADMIN_ACTION(200, "Administrative change", Severity.MEDIUM),
    INTERNAL_ERROR(500, "Internal error", Severity.CRITICAL);

    private final int status;
    private final String title;
    private final Severity severity;
    private final String type;

    Reason(int status, String title, Severity severity) {
        this.status = status;
        this.title = title;
        this.severity = severity;
        this.type = "urn:bulwark:problem:" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @return the HTTP status a refusal with this reason carries */
    public int status() { return status; }

    /** @return a short human title, the same for every occurrence */
    public String title() { return title; }

    /** @return how serious one occurrence is */
    public Severity severity() { return severity; }

    /** @return the RFC 9457 problem type URI, stable across releases */
    public String type() { return type; }
}
