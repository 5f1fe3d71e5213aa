package dev.bulwark.core.auth.identity;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Principal;
import dev.bulwark.api.Problem;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.store.Device;
import dev.bulwark.api.store.Session;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthCookies;
import dev.bulwark.core.auth.AuthRouteConfig;
import dev.bulwark.core.auth.AuthenticationFilter;
import dev.bulwark.core.auth.Authenticator;
import dev.bulwark.core.auth.token.KeyRing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The HTTP face of {@link Identity}: {@code POST /auth/register}, {@code login}, {@code refresh}, {@code logout},
 * {@code logout-all}, {@code password}, {@code GET /auth/sessions}, {@code DELETE /auth/sessions/{id}},
 * {@code GET /auth/csrf} (under the configured prefix) and {@code GET /.well-known/jwks.json}.
 *
 * <p>It runs as the terminal of a route chain, so the endpoints get request ids, security headers, body limits
 * and rate limits like any route. Inputs are JSON objects whose fields are checked for presence, type and size;
 * a bad one is a 400 problem naming the field. Token responses carry {@code Cache-Control: no-store}. Written
 * against {@link Exchange} only, so an embedding application can serve the same endpoints. Thread-safe.
 */
public final class AuthEndpoints {

    /** Where the public keys are published. */
    public static final String JWKS_PATH = "/.well-known/jwks.json";
    private static final String JSON = "application/json";
    private static final int MAX_EMAIL = 254;
    private static final int MAX_PASSWORD_CHARS = 1024;
    private static final ObjectMapper MAPPER = mapper();

    private static ObjectMapper mapper() {
        JsonFactory factory = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build())
                .build();
        return JsonMapper.builder(factory).build();
    }

    private final Identity identity;
    private final Authenticator authenticator;
    private final KeyRing ring;
    private final AuthConfig config;
    private final AuthRouteConfig ownTokens;
    private final Clock clock;

    public AuthEndpoints(Identity identity, Authenticator authenticator, KeyRing ring, Clock clock) {
        this.identity = identity;
        this.authenticator = authenticator;
        this.ring = ring;
        this.config = identity.config();
        this.ownTokens = new AuthRouteConfig(AuthRouteConfig.Mode.REQUIRED, List.of(config.issuer()), null);
        this.clock = clock;
    }

    /** @return the path patterns the endpoints answer, for routing: the prefix subtree and the JWKS path */
    public List<String> paths() {
        return List.of(config.prefix() + "/**", JWKS_PATH);
    }

    /**
     * Answers one request under {@link #paths()}.
     *
     * @return the response; never fails for bad input (problems are responses), only for store failures
     */
    public CompletionStage<Response> handle(Exchange exchange) {
        String path = exchange.path();
        String method = exchange.method();
        if (path.equals(JWKS_PATH)) {
            return only(exchange, "GET", () -> {
                Response response = Response.of(200, "application/jwk-set+json",
                        ring.jwks(clock.instant()).getBytes(StandardCharsets.UTF_8));
                response.headers().set("Cache-Control", "public, max-age=300");
                return CompletableFuture.completedFuture(response);
            });
        }
        String action = path.length() > config.prefix().length() ? path.substring(config.prefix().length()) : "";
        if (action.startsWith("/sessions/") && action.length() > "/sessions/".length()) {
            String sessionId = action.substring("/sessions/".length());
            return only(exchange, "DELETE", () -> endSession(exchange, sessionId));
        }
        return switch (action) {
            case "/register" -> only(exchange, "POST", () -> register(exchange));
            case "/login" -> only(exchange, "POST", () -> login(exchange));
            case "/refresh" -> only(exchange, "POST", () -> refresh(exchange));
            case "/logout" -> only(exchange, "POST", () -> logout(exchange));
            case "/logout-all" -> only(exchange, "POST", () -> logoutAll(exchange));
            case "/password" -> only(exchange, "POST", () -> changePassword(exchange));
            case "/sessions" -> only(exchange, "GET", () -> sessions(exchange));
            case "/csrf" -> only(exchange, "GET", () -> csrf(exchange));
            default -> done(exchange.refuse(Reason.ROUTE_NOT_FOUND, "auth", "no auth endpoint at this path"));
        };
    }

    private interface Action {
        CompletionStage<Response> run();
    }

    private static CompletionStage<Response> only(Exchange exchange, String method, Action action) {
        if (!exchange.method().equals(method) && !(method.equals("GET") && exchange.method().equals("HEAD"))) {
            Response refused = exchange.refuse(Reason.METHOD_NOT_ALLOWED, "auth", "this endpoint accepts " + method);
            refused.headers().set("Allow", method);
            return done(refused);
        }
        return action.run();
    }

    // ---- endpoints ----

    private CompletionStage<Response> register(Exchange exchange) {
        if (config.registration() == AuthConfig.RegistrationMode.OFF) {
            return done(exchange.refuse(Reason.REGISTRATION_CLOSED, "auth", "registration is switched off"));
        }
        if (config.registration() == AuthConfig.RegistrationMode.ADMIN) {
            Authenticator.Outcome caller = authenticator.authenticate(exchange, ownTokens);
            if (!(caller instanceof Authenticator.Outcome.Authenticated authenticated)
                    || authenticated.principal().roles().stream().noneMatch(role -> role.equalsIgnoreCase("admin"))) {
                return done(exchange.refuse(Reason.REGISTRATION_CLOSED, "auth", "registration needs an admin"));
            }
        }
        return body(exchange, input -> {
            String email = email(input);
            String password = text(input, "password", MAX_PASSWORD_CHARS);
            return identity.register(email, password, Set.of()).thenApply(outcome -> switch (outcome) {
                case Identity.PasswordOutcome.Done done -> json(202, Map.of("status", "accepted",
                        "message", "if this email was not registered yet, the account exists now; log in to continue"));
                case Identity.PasswordOutcome.Rejected rejected -> passwordRejected(exchange, rejected.violations());
                case Identity.PasswordOutcome.Busy busy -> busy(exchange);
                case Identity.PasswordOutcome.WrongPassword wrong -> throw new IllegalStateException("not a change");
            });
        });
    }

    private CompletionStage<Response> login(Exchange exchange) {
        return body(exchange, input -> {
            String email = email(input);
            String password = text(input, "password", MAX_PASSWORD_CHARS);
            boolean useCookies = flag(input, "useCookies");
            if (useCookies && !config.cookies().enabled()) {
                throw new InvalidInput("useCookies: cookie mode is switched off (auth.cookies.enabled)");
            }
            return identity.login(email, password, device(exchange)).thenApply(outcome -> switch (outcome) {
                case Identity.LoginOutcome.Success success -> {
                    evicted(exchange, success.tokens());
                    yield tokens(exchange, success.tokens(), useCookies);
                }
                case Identity.LoginOutcome.Invalid invalid -> invalid.lockedNow()
                        ? locked(exchange, invalid.retryAfter(), "too many failed logins: locked now")
                        : exchange.refuse(Reason.CREDENTIALS_INVALID, "auth", "wrong email or password");
                case Identity.LoginOutcome.Locked locked -> locked(exchange, locked.retryAfter(),
                        "login attempt while locked out");
                case Identity.LoginOutcome.Busy busy -> busy(exchange);
            });
        });
    }

    private CompletionStage<Response> refresh(Exchange exchange) {
        String fromCookie = config.cookies().enabled()
                ? AuthCookies.read(exchange.requestHeaders(), AuthCookies.REFRESH) : null;
        if (fromCookie != null && !exchange.requestHeaders().contains("Content-Type")) {
            return refreshWith(exchange, fromCookie, true);
        }
        return body(exchange, input -> refreshWith(exchange, text(input, "refreshToken", RefreshToken.MAX_LENGTH),
                false));
    }

    private CompletionStage<Response> refreshWith(Exchange exchange, String token, boolean cookie) {
        if (cookie) {
            int dot = token.indexOf('.');
            String sessionId = dot > 0 ? token.substring(0, dot) : "";
            if (!exchange.requestHeaders().contains(AuthCookies.CSRF_HEADER)
                    || !authenticator.csrf().isValid(exchange.requestHeaders().get(AuthCookies.CSRF_HEADER), sessionId)) {
                return done(AuthenticationFilter.refuse(exchange, Reason.CSRF_REJECTED,
                        "cookie refresh without a valid csrf token"));
            }
        }
        return identity.refresh(token, device(exchange)).thenApply(outcome -> switch (outcome) {
            case Identity.RefreshOutcome.Success success -> {
                if (success.bindingChanged()) {
                    exchange.emit(Reason.SESSION_BINDING_CHANGED, "auth",
                            "session " + success.tokens().sessionId() + " refreshed from another ip or browser");
                }
                yield tokens(exchange, success.tokens(), cookie);
            }
            case Identity.RefreshOutcome.Invalid invalid -> exchange.refuse(Reason.REFRESH_TOKEN_INVALID, "auth",
                    "refresh token is malformed, unknown, expired or revoked");
            case Identity.RefreshOutcome.Reused reused -> {
                exchange.emit(Reason.REFRESH_TOKEN_REUSE, "auth", "rotated refresh token presented again; session "
                        + reused.sessionId() + " of user " + reused.userId() + " ended");
                yield Response.problem(Problem.of(Reason.REFRESH_TOKEN_INVALID,
                        "refresh token is malformed, unknown, expired or revoked", exchange.requestId()));
            }
            case Identity.RefreshOutcome.BindingChanged changed -> {
                exchange.emit(Reason.SESSION_BINDING_CHANGED, "auth", "session " + changed.sessionId()
                        + " refreshed from another ip or browser: ended");
                yield Response.problem(Problem.of(Reason.REFRESH_TOKEN_INVALID,
                        "refresh token is malformed, unknown, expired or revoked", exchange.requestId()));
            }
        });
    }

    private CompletionStage<Response> logout(Exchange exchange) {
        return authenticated(exchange, principal -> identity.logout(principal.sessionId())
                .thenApply(ignored -> clearCookies(Response.empty(204))));
    }

    private CompletionStage<Response> logoutAll(Exchange exchange) {
        return authenticated(exchange, principal -> identity.logoutAll(principal.userId(), null)
                .thenApply(ended -> clearCookies(json(200, Map.of("endedSessions", ended.size())))));
    }

    private CompletionStage<Response> sessions(Exchange exchange) {
        return authenticated(exchange, principal -> identity.sessions(principal.userId()).thenApply(list -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Session session : list) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("id", session.id());
                item.put("current", session.id().equals(principal.sessionId()));
                item.put("createdAt", session.createdAt().toString());
                item.put("lastSeenAt", session.lastSeenAt().toString());
                item.put("expiresAt", session.idleExpiresAt().toString());
                item.put("userAgent", session.device().userAgent());
                item.put("ip", session.device().ip());
                out.add(item);
            }
            return json(200, Map.of("sessions", out));
        }));
    }

    private CompletionStage<Response> endSession(Exchange exchange, String sessionId) {
        return authenticated(exchange, principal -> identity.endSession(principal.userId(), sessionId)
                .thenApply(ended -> ended ? Response.empty(204)
                        : exchange.refuse(Reason.SESSION_NOT_FOUND, "auth", "no session of yours has this id")));
    }

    private CompletionStage<Response> changePassword(Exchange exchange) {
        return authenticated(exchange, principal -> body(exchange, input -> {
            String current = text(input, "currentPassword", MAX_PASSWORD_CHARS);
            String next = text(input, "newPassword", MAX_PASSWORD_CHARS);
            return identity.changePassword(principal.userId(), principal.sessionId(), current, next,
                    exchange.clientIp()).thenApply(outcome -> switch (outcome) {
                case Identity.PasswordOutcome.Done done -> json(200, Map.of("endedSessions",
                        done.endedSessionIds().size()));
                case Identity.PasswordOutcome.WrongPassword wrong -> exchange.refuse(Reason.CREDENTIALS_INVALID,
                        "auth", "current password is wrong");
                case Identity.PasswordOutcome.Rejected rejected -> passwordRejected(exchange, rejected.violations());
                case Identity.PasswordOutcome.Busy busy -> busy(exchange);
            });
        }));
    }

    private CompletionStage<Response> csrf(Exchange exchange) {
        return authenticated(exchange, principal -> {
            String token = authenticator.csrf().issue(principal.sessionId());
            Response response = json(200, Map.of("csrfToken", token));
            response.headers().add("Set-Cookie", AuthCookies.set(AuthCookies.CSRF, token,
                    config.refreshTokenLifetime(), config.cookies().sameSite(), false));
            return CompletableFuture.completedFuture(response);
        });
    }

    // ---- helpers ----

    private interface WithPrincipal {
        CompletionStage<Response> run(Principal principal);
    }

    /** Runs {@code action} for a caller holding a valid Bulwark access token (external tokens do not count). */
    private CompletionStage<Response> authenticated(Exchange exchange, WithPrincipal action) {
        return switch (authenticator.authenticate(exchange, ownTokens)) {
            case Authenticator.Outcome.Authenticated authenticated -> action.run(authenticated.principal());
            case Authenticator.Outcome.Anonymous anonymous ->
                    done(AuthenticationFilter.refuse(exchange, Reason.AUTHENTICATION_REQUIRED, "no credential"));
            case Authenticator.Outcome.Refused refused ->
                    done(AuthenticationFilter.refuse(exchange, refused.reason(), refused.detail()));
        };
    }

    private interface WithBody {
        CompletionStage<Response> run(JsonNode body);
    }

    /** Reads a JSON object body; malformed input and bad fields become 400 problems naming what is wrong. */
    private static CompletionStage<Response> body(Exchange exchange, WithBody action) {
        String type = exchange.requestHeaders().get("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(JSON)) {
            return done(exchange.refuse(Reason.INVALID_INPUT, "auth", "the body must be a JSON object sent as "
                    + JSON));
        }
        return exchange.body().thenCompose(bytes -> {
            JsonNode node;
            try {
                node = MAPPER.readTree(bytes);
            } catch (IOException e) {
                return done(exchange.refuse(Reason.INVALID_INPUT, "auth", "the body is not valid JSON"));
            }
            if (node == null || !node.isObject()) {
                return done(exchange.refuse(Reason.INVALID_INPUT, "auth", "the body must be a JSON object"));
            }
            try {
                return action.run(node);
            } catch (InvalidInput bad) {
                return done(exchange.refuse(Reason.INVALID_INPUT, "auth", bad.getMessage()));
            }
        });
    }

    /** A field failed validation; the message names it. */
    private static final class InvalidInput extends RuntimeException {
        InvalidInput(String message) {
            super(message, null, false, false);
        }
    }

    private static String text(JsonNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidInput(field + ": is required");
        }
        if (!value.isTextual()) {
            throw new InvalidInput(field + ": must be a string");
        }
        String text = value.textValue();
        if (text.isEmpty() || text.length() > maxLength) {
            throw new InvalidInput(field + ": must be 1 to " + maxLength + " characters");
        }
        return text;
    }

    private static String email(JsonNode body) {
        String email = text(body, "email", MAX_EMAIL);
        int at = email.lastIndexOf('@');
        if (at <= 0 || at == email.length() - 1 || email.chars().anyMatch(c -> c <= ' ')) {
            throw new InvalidInput("email: is not an email address");
        }
        return email;
    }

    private static boolean flag(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new InvalidInput(field + ": must be true or false");
        }
        return value.booleanValue();
    }

    private static Device device(Exchange exchange) {
        String agent = exchange.requestHeaders().get("User-Agent");
        String fingerprint = exchange.requestHeaders().get("X-Client-Fingerprint");
        return new Device(clip(agent == null ? "" : agent), clip(exchange.clientIp()),
                fingerprint == null ? null : clip(fingerprint));
    }

    private static String clip(String value) {
        return value.length() <= Device.MAX_LENGTH ? value : value.substring(0, Device.MAX_LENGTH);
    }

    private Response tokens(Exchange exchange, Identity.Tokens tokens, boolean cookies) {
        long expiresIn = tokens.accessToken().expiresInSeconds();
        if (!cookies) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("accessToken", tokens.accessToken().token());
            body.put("refreshToken", tokens.refreshToken());
            body.put("tokenType", "Bearer");
            body.put("expiresIn", expiresIn);
            body.put("sessionId", tokens.sessionId());
            return json(200, body);
        }
        String csrfToken = authenticator.csrf().issue(tokens.sessionId());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tokenType", "Cookie");
        body.put("expiresIn", expiresIn);
        body.put("sessionId", tokens.sessionId());
        body.put("csrfToken", csrfToken);
        Response response = json(200, body);
        String sameSite = config.cookies().sameSite();
        response.headers().add("Set-Cookie", AuthCookies.set(AuthCookies.ACCESS, tokens.accessToken().token(),
                Duration.ofSeconds(expiresIn), sameSite, true));
        response.headers().add("Set-Cookie", AuthCookies.set(AuthCookies.REFRESH, tokens.refreshToken(),
                config.refreshTokenLifetime(), sameSite, true));
        response.headers().add("Set-Cookie", AuthCookies.set(AuthCookies.CSRF, csrfToken,
                config.refreshTokenLifetime(), sameSite, false));
        return response;
    }

    private Response clearCookies(Response response) {
        if (config.cookies().enabled()) {
            String sameSite = config.cookies().sameSite();
            response.headers().add("Set-Cookie", AuthCookies.clear(AuthCookies.ACCESS, sameSite));
            response.headers().add("Set-Cookie", AuthCookies.clear(AuthCookies.REFRESH, sameSite));
            response.headers().add("Set-Cookie", AuthCookies.clear(AuthCookies.CSRF, sameSite));
        }
        return response;
    }

    private static void evicted(Exchange exchange, Identity.Tokens tokens) {
        for (String sessionId : tokens.evictedSessionIds()) {
            exchange.emit(Reason.SESSION_EVICTED, "auth", "session " + sessionId + " of user " + tokens.user().id()
                    + " ended: the user reached the session limit");
        }
    }

    private static Response locked(Exchange exchange, Duration retryAfter, String detail) {
        Response response = exchange.refuse(Reason.ACCOUNT_LOCKED, "auth", detail);
        response.headers().set("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
        return response;
    }

    private static Response busy(Exchange exchange) {
        Response response = exchange.refuse(Reason.AUTH_BUSY, "auth", "every password hashing worker is busy");
        response.headers().set("Retry-After", "1");
        return response;
    }

    private static Response passwordRejected(Exchange exchange, List<String> violations) {
        return exchange.refuse(Reason.PASSWORD_REJECTED, "auth", String.join("; ", violations));
    }

    private static Response json(int status, Map<String, ?> body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JacksonException e) {
            throw new CompletionException(e);
        }
        Response response = Response.of(status, JSON, bytes);
        response.headers().set("Cache-Control", "no-store");
        return response;
    }

    private static CompletionStage<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }
}
