package dev.bulwark.core.auth;

import dev.bulwark.api.AttributeKey;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Headers;
import dev.bulwark.api.Principal;
import dev.bulwark.api.Reason;
import dev.bulwark.api.store.ApiKey;
import dev.bulwark.core.auth.apikey.ApiKeyFailure;
import dev.bulwark.core.auth.apikey.ApiKeyVerification;
import dev.bulwark.core.auth.apikey.ApiKeys;
import dev.bulwark.core.auth.revocation.RevocationList;
import dev.bulwark.core.auth.token.AccessToken;
import dev.bulwark.core.auth.token.TokenFailure;
import dev.bulwark.core.auth.token.TokenVerification;
import dev.bulwark.core.auth.token.TokenVerifier;
import dev.bulwark.core.cors.AllowedOrigins;

import java.net.URI;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Finds and checks the credential of a request: a bearer token, a token in a WebSocket subprotocol entry, the
 * access cookie (with CSRF checks for unsafe methods) or, where a route allows it, a query parameter or an API
 * key ({@link #authenticateApiKey}). Used by {@link AuthenticationFilter} on routes and by the auth endpoints that
 * act on the caller's own session.
 *
 * <p>The hot path touches memory only: verified tokens come from the cache, API key records from
 * {@link ApiKeys}' cache, revocations from this node's {@link RevocationList}. When the revocation list has not
 * been confirmed for longer than allowed (the store is unreachable), requests are refused with 503 rather than
 * trusting a list that may miss a logout or a revoked key. Thread-safe.
 */
public final class Authenticator {

    /** The {@code Sec-WebSocket-Protocol} entry announcing that the next entry is an access token. */
    public static final String WEBSOCKET_PROTOCOL = "bulwark.bearer";

    /**
     * The verified access token's claims, set with the principal when a token authenticated the request (not for
     * API keys): what outlives the request, such as an open WebSocket, rechecks them against revocations.
     */
    public static final AttributeKey<AccessToken> ACCESS_TOKEN = AttributeKey.named("accessToken");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    /** What authentication found. */
    public sealed interface Outcome {
        /**
         * A valid credential.
         *
         * @param token the verified access token, or {@code null} for an API key
         */
        record Authenticated(Principal principal, AccessToken token) implements Outcome { }
        /** No credential at all. */
        record Anonymous() implements Outcome { }
        /**
         * A credential that does not count.
         *
         * @param reason the refusal
         * @param detail what exactly failed, for the security event only (clients get a generic text)
         */
        record Refused(Reason reason, String detail) implements Outcome { }
    }

    private static final Outcome ANONYMOUS = new Outcome.Anonymous();

    private final TokenVerifier verifier;
    private final RevocationList revocations;
    private final Supplier<Duration> revocationStaleness;
    private final Duration maxStaleness;
    private final CsrfTokens csrf;
    private final AuthConfig.CookieConfig cookies;
    private final ApiKeys apiKeys;
    private final String issuer;

    /**
     * @param verifier            checks tokens (normally a verified-token cache over every trusted issuer)
     * @param revocations         this node's revocation list
     * @param revocationStaleness how long the list has gone unconfirmed
     * @param maxStaleness        beyond this, authenticated requests get 503
     * @param csrf                checks CSRF tokens of cookie-authenticated requests
     * @param cookies             whether the access cookie counts, and which origins are trusted
     * @param apiKeys             verifies API keys on routes that accept them
     * @param issuer              Bulwark's issuer, which vouches for API-key principals
     */
    public Authenticator(TokenVerifier verifier, RevocationList revocations, Supplier<Duration> revocationStaleness,
                         Duration maxStaleness, CsrfTokens csrf, AuthConfig.CookieConfig cookies, ApiKeys apiKeys,
                         String issuer) {
        this.verifier = verifier;
        this.revocations = revocations;
        this.revocationStaleness = revocationStaleness;
        this.maxStaleness = maxStaleness;
        this.csrf = csrf;
        this.cookies = cookies;
        this.apiKeys = apiKeys;
        this.issuer = issuer;
    }

    /** @return the CSRF token issuer of cookie mode */
    public CsrfTokens csrf() {
        return csrf;
    }

    /**
     * Authenticates {@code exchange} under a route's settings. On success the principal, user, tenant and claims
     * are stored on the exchange; a WebSocket token entry is removed from the headers that go upstream, and so is
     * any other token when the route does not forward it ({@link AuthRouteConfig#forwardToken}).
     */
    public Outcome authenticate(Exchange exchange, AuthRouteConfig route) {
        Headers headers = exchange.requestHeaders();
        List<String> authorization = headers.getAll("Authorization");
        String token;
        Principal.Method method;
        if (!authorization.isEmpty()) {
            if (authorization.size() > 1) {
                return new Outcome.Refused(Reason.TOKEN_INVALID, "more than one authorization header");
            }
            String value = authorization.get(0);
            if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return ANONYMOUS;
            }
            token = value.substring(7).trim();
            method = Principal.Method.BEARER;
        } else if ((token = exchange.isWebSocketUpgrade() ? takeWebSocketToken(headers) : null) != null) {
            method = Principal.Method.WEBSOCKET_PROTOCOL;
        } else if (cookies.enabled() && (token = AuthCookies.read(headers, AuthCookies.ACCESS)) != null) {
            method = Principal.Method.COOKIE;
        } else if (route.queryParameter() != null
                && (token = queryParameter(exchange.rawQuery(), route.queryParameter())) != null) {
            method = Principal.Method.QUERY;
        } else {
            return ANONYMOUS;
        }
        TokenVerification verification = verifier.verify(token);
        if (verification instanceof TokenVerification.Refused(TokenFailure failure)) {
            return new Outcome.Refused(failure == TokenFailure.EXPIRED ? Reason.TOKEN_EXPIRED : Reason.TOKEN_INVALID,
                    failure.description());
        }
        AccessToken claims = ((TokenVerification.Verified) verification).token();
        if (!route.issuers().isEmpty() && !route.issuers().contains(claims.issuer())) {
            return new Outcome.Refused(Reason.TOKEN_INVALID, "token issuer is not accepted on this route");
        }
        if (revocationStaleness.get().compareTo(maxStaleness) > 0) {
            return new Outcome.Refused(Reason.SERVICE_UNAVAILABLE, "revocations could not be read for "
                    + revocationStaleness.get().toSeconds() + "s");
        }
        if (revocations.isRevoked(claims)) {
            return new Outcome.Refused(Reason.TOKEN_REVOKED, "token's session or user was revoked");
        }
        if (method == Principal.Method.COOKIE && !SAFE_METHODS.contains(exchange.method())) {
            String problem = csrfProblem(exchange, claims.sessionId());
            if (problem != null) {
                return new Outcome.Refused(Reason.CSRF_REJECTED, problem);
            }
        }
        Principal principal = new Principal(claims.subject(), claims.sessionId(), claims.issuer(), claims.roles(),
                claims.permissions(), claims.tenant(), claims.expiresAt(), method);
        exchange.attribute(ExchangeAttributes.PRINCIPAL, principal);
        exchange.attribute(ACCESS_TOKEN, claims);
        exchange.attribute(ExchangeAttributes.USER, claims.subject());
        if (claims.tenant() != null) {
            exchange.attribute(ExchangeAttributes.TENANT, claims.tenant());
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("iss", claims.issuer());
        view.put("sub", claims.subject());
        if (claims.sessionId() != null) {
            view.put("sid", claims.sessionId());
        }
        view.put("roles", claims.roles());
        if (claims.tenant() != null) {
            view.put("tenant", claims.tenant());
        }
        exchange.attribute(ExchangeAttributes.CLAIMS, view);
        if (!route.forwardToken()) {
            withhold(exchange, method, route);
        }
        return new Outcome.Authenticated(principal, claims);
    }

    /** Takes the token a request authenticated with out of what later filters see and the backend receives. */
    private static void withhold(Exchange exchange, Principal.Method method, AuthRouteConfig route) {
        switch (method) {
            case BEARER -> exchange.requestHeaders().remove("Authorization");
            case COOKIE -> AuthCookies.remove(exchange.requestHeaders(), AuthCookies.ACCESS);
            case QUERY -> exchange.rawQuery(withoutParameter(exchange.rawQuery(), route.queryParameter()));
            default -> {
                // A WebSocket protocol entry is always taken out (takeWebSocketToken); API keys never pass.
            }
        }
    }

    /** @return whether the route accepts API keys and the request carries its API key header */
    public boolean presentsApiKey(Exchange exchange, AuthRouteConfig route) {
        return route.acceptsApiKeys() && exchange.requestHeaders().get(route.apiKeyHeader()) != null;
    }

    /**
     * Authenticates with the route's API key header, which is removed from the headers that go upstream. On
     * success the principal ({@link Principal.Method#API_KEY}, user {@code apikey:<id>}, the key's scopes as
     * permissions, its tenant), user, tenant and {@link ExchangeAttributes#API_KEY} are stored on the exchange.
     * Completes at once unless the key's record must be read from the store.
     *
     * @return {@link Outcome.Anonymous} when there is no key (or the route takes none); a refusal with
     *     {@link Reason#API_KEY_INVALID} for every kind of bad key (the detail says which, with the key's public
     *     id but never the key), or {@link Reason#SERVICE_UNAVAILABLE} when it cannot be checked; never fails
     */
    public CompletionStage<Outcome> authenticateApiKey(Exchange exchange, AuthRouteConfig route) {
        if (!presentsApiKey(exchange, route)) {
            return CompletableFuture.completedFuture(ANONYMOUS);
        }
        Headers headers = exchange.requestHeaders();
        List<String> values = headers.getAll(route.apiKeyHeader());
        headers.remove(route.apiKeyHeader());
        if (values.size() > 1) {
            return refused(Reason.API_KEY_INVALID, "more than one " + route.apiKeyHeader() + " header");
        }
        if (!headers.getAll("Authorization").isEmpty()) {
            // Two credentials would leave open which identity the request acts for.
            return refused(Reason.API_KEY_INVALID, "both an api key and an authorization header");
        }
        if (revocationStaleness.get().compareTo(maxStaleness) > 0) {
            return refused(Reason.SERVICE_UNAVAILABLE, "revocations could not be read for "
                    + revocationStaleness.get().toSeconds() + "s");
        }
        return apiKeys.verify(values.get(0).trim()).thenApply(verification -> switch (verification) {
            case ApiKeyVerification.Refused refused -> new Outcome.Refused(
                    refused.failure() == ApiKeyFailure.UNAVAILABLE ? Reason.SERVICE_UNAVAILABLE
                            : Reason.API_KEY_INVALID, refused.detail());
            case ApiKeyVerification.Verified verified -> apiKeyPrincipal(exchange, verified.key());
        });
    }

    private static CompletionStage<Outcome> refused(Reason reason, String detail) {
        return CompletableFuture.completedFuture(new Outcome.Refused(reason, detail));
    }

    private Outcome apiKeyPrincipal(Exchange exchange, ApiKey key) {
        String userId = "apikey:" + key.id();
        Principal principal = new Principal(userId, null, issuer, List.of(), List.copyOf(key.scopes()),
                key.tenant(), key.expiresAt() != null ? key.expiresAt() : Instant.MAX, Principal.Method.API_KEY);
        exchange.attribute(ExchangeAttributes.PRINCIPAL, principal);
        exchange.attribute(ExchangeAttributes.USER, userId);
        exchange.attribute(ExchangeAttributes.API_KEY, key.id());
        if (key.tenant() != null) {
            exchange.attribute(ExchangeAttributes.TENANT, key.tenant());
        }
        return new Outcome.Authenticated(principal, null);
    }

    /**
     * Takes the marker and the token out of {@code Sec-WebSocket-Protocol: bulwark.bearer, <token>[, other...]},
     * leaving the other entries for the upstream. (Browsers insist that the answer selects one of their offers:
     * the host answers with the marker when the upstream selects nothing.)
     */
    private static String takeWebSocketToken(Headers headers) {
        String offered = headers.get("Sec-WebSocket-Protocol");
        if (offered == null) {
            return null;
        }
        String[] entries = offered.split(",");
        for (int i = 0; i + 1 < entries.length; i++) {
            if (entries[i].trim().equals(WEBSOCKET_PROTOCOL)) {
                String token = entries[i + 1].trim();
                StringBuilder rest = new StringBuilder();
                for (int j = 0; j < entries.length; j++) {
                    if (j != i && j != i + 1) {
                        rest.append(rest.isEmpty() ? "" : ", ").append(entries[j].trim());
                    }
                }
                if (rest.isEmpty()) {
                    headers.remove("Sec-WebSocket-Protocol");
                } else {
                    headers.set("Sec-WebSocket-Protocol", rest.toString());
                }
                return token;
            }
        }
        return null;
    }

    private static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                // Access tokens are base64url and dots: they never need decoding, and anything else is refused.
                return pair.substring(eq + 1);
            }
        }
        return null;
    }

    /** @return the query without every {@code name=} pair (compared as {@link #queryParameter} reads it) */
    private static String withoutParameter(String rawQuery, String name) {
        StringBuilder kept = new StringBuilder(rawQuery.length());
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (!(eq > 0 && pair.substring(0, eq).equals(name)) && !pair.isEmpty()) {
                kept.append(kept.isEmpty() ? "" : "&").append(pair);
            }
        }
        return kept.toString();
    }

    /** @return why the CSRF check fails, or {@code null} when it passes */
    private String csrfProblem(Exchange exchange, String sessionId) {
        Headers headers = exchange.requestHeaders();
        String origin = headers.get("Origin");
        if (origin == null) {
            String referer = headers.get("Referer");
            origin = referer == null ? null : originOf(referer);
        }
        if (origin == null) {
            return "cookie-authenticated request without origin or referer";
        }
        if (!isTrustedOrigin(origin, exchange)) {
            return "cross-origin cookie-authenticated request";
        }
        String sent = headers.get(AuthCookies.CSRF_HEADER);
        String cookie = AuthCookies.read(headers, AuthCookies.CSRF);
        if (sent == null || cookie == null) {
            return "csrf token missing";
        }
        if (!MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), cookie.getBytes(StandardCharsets.UTF_8))
                || !csrf.isValid(sent, sessionId)) {
            return "csrf token mismatch";
        }
        return null;
    }

    /** Another port of the same host is another origin: a page there can read the CSRF cookie. */
    private boolean isTrustedOrigin(String origin, Exchange exchange) {
        return cookies.trustedOrigins().contains(origin) || AllowedOrigins.isSameOrigin(origin, exchange);
    }

    private static String originOf(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return null;
            }
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }
}
