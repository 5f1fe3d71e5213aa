package dev.bulwark.core.auth;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Problem;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;
import dev.bulwark.core.auth.apikey.ApiKeyGuard;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Enforces a route's {@code auth} setting: verifies the credential with the {@link Authenticator} and either
 * passes the request on with its principal or answers 401 with {@code WWW-Authenticate} (403 for a failed CSRF
 * check, 503 when revocations cannot be confirmed).
 *
 * <p>Where the route accepts API keys and the request carries one, the key is the credential: a client address
 * the {@link ApiKeyGuard} has blocked gets 429 with {@code Retry-After} before its key is looked at, and every
 * refused key counts towards that block (the refusal that crosses the limit is itself the 429).
 *
 * <p>Refusals share one generic text per reason, so a client cannot tell which check failed beyond the
 * problem's stable {@code type}; the security event carries the precise cause. Thread-safe.
 */
public final class AuthenticationFilter implements SecurityFilter {

    private static final String CHALLENGE = "Bearer realm=\"bulwark\"";
    private static final String INVALID_CHALLENGE = CHALLENGE + ", error=\"invalid_token\"";
    private static final String API_KEY_CHALLENGE = "ApiKey realm=\"bulwark\"";

    private final AuthRouteConfig route;
    private final Authenticator authenticator;
    private final ApiKeyGuard guard;

    /**
     * A filter for a route where only tokens count.
     *
     * @throws IllegalArgumentException when the route's auth is off or it accepts API keys
     */
    public AuthenticationFilter(AuthRouteConfig route, Authenticator authenticator) {
        this(route, authenticator, null);
    }

    /**
     * @param guard limits API key guessing; may be {@code null} only when the route accepts no API keys
     * @throws IllegalArgumentException when the route's auth is off, or it accepts API keys without a guard
     */
    public AuthenticationFilter(AuthRouteConfig route, Authenticator authenticator, ApiKeyGuard guard) {
        this.route = Objects.requireNonNull(route, "route");
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.guard = guard;
        if (!route.isOn()) {
            throw new IllegalArgumentException("authentication filter for a route with auth off");
        }
        if (route.acceptsApiKeys() && guard == null) {
            throw new IllegalArgumentException("a route accepting api keys needs a guard against guessing");
        }
    }

    @Override
    public Stage stage() {
        return Stage.AUTHENTICATION;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        if (authenticator.presentsApiKey(exchange, route)) {
            return withApiKey(exchange, chain);
        }
        Authenticator.Outcome outcome = route.apiKeys() == AuthRouteConfig.ApiKeyMode.ONLY
                ? new Authenticator.Outcome.Anonymous() : authenticator.authenticate(exchange, route);
        return proceedOrRefuse(outcome, exchange, chain);
    }

    private CompletionStage<Response> withApiKey(Exchange exchange, Chain chain) {
        Duration blocked = guard.blockedFor(exchange);
        if (!blocked.isZero()) {
            exchange.requestHeaders().remove(route.apiKeyHeader());
            return CompletableFuture.completedFuture(guessing(exchange, blocked, "api key not checked: client"
                    + " address blocked after too many refused api keys"));
        }
        return authenticator.authenticateApiKey(exchange, route).thenCompose(outcome -> {
            if (outcome instanceof Authenticator.Outcome.Refused refused
                    && refused.reason() == Reason.API_KEY_INVALID) {
                return guard.recordFailure(exchange).thenCompose(block -> block.isZero()
                        ? proceedOrRefuse(outcome, exchange, chain)
                        : CompletableFuture.completedFuture(guessing(exchange, block, refused.detail()
                                + "; client address now blocked after too many refused api keys")));
            }
            return proceedOrRefuse(outcome, exchange, chain);
        });
    }

    private static Response guessing(Exchange exchange, Duration retryAfter, String eventDetail) {
        Response response = refuse(exchange, Reason.API_KEY_GUESSING, eventDetail);
        response.headers().set("Retry-After", Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
        return response;
    }

    private CompletionStage<Response> proceedOrRefuse(Authenticator.Outcome outcome, Exchange exchange,
                                                      Chain chain) {
        return switch (outcome) {
            case Authenticator.Outcome.Authenticated authenticated -> chain.proceed(exchange);
            case Authenticator.Outcome.Anonymous anonymous -> route.mode() == AuthRouteConfig.Mode.OPTIONAL
                    ? chain.proceed(exchange) : CompletableFuture.completedFuture(credentialRequired(exchange));
            case Authenticator.Outcome.Refused refused ->
                    CompletableFuture.completedFuture(refuse(exchange, refused.reason(), refused.detail()));
        };
    }

    /** A 401 whose text and challenges name the credentials this route takes. */
    private Response credentialRequired(Exchange exchange) {
        if (!route.acceptsApiKeys()) {
            return refuse(exchange, Reason.AUTHENTICATION_REQUIRED, "no credential");
        }
        exchange.emit(Reason.AUTHENTICATION_REQUIRED, "authentication", "no credential");
        boolean only = route.apiKeys() == AuthRouteConfig.ApiKeyMode.ONLY;
        Response response = Response.problem(Problem.of(Reason.AUTHENTICATION_REQUIRED, only
                ? "this route needs an API key in the " + route.apiKeyHeader() + " header"
                : "this route needs an access token or an API key in the " + route.apiKeyHeader() + " header",
                exchange.requestId()));
        if (!only) {
            response.headers().add("WWW-Authenticate", CHALLENGE);
        }
        response.headers().add("WWW-Authenticate", API_KEY_CHALLENGE + ", header=\"" + route.apiKeyHeader() + "\"");
        return response;
    }

    /**
     * Emits the event with the precise cause and builds the client's answer with the generic one.
     *
     * @return the problem response, with a challenge for 401s
     */
    public static Response refuse(Exchange exchange, Reason reason, String eventDetail) {
        exchange.emit(reason, "authentication", eventDetail);
        Response response = Response.problem(Problem.of(reason, clientDetail(reason), exchange.requestId()));
        if (reason == Reason.API_KEY_INVALID) {
            response.headers().set("WWW-Authenticate", API_KEY_CHALLENGE + ", error=\"invalid_key\"");
        } else if (reason.status() == 401) {
            response.headers().set("WWW-Authenticate",
                    reason == Reason.AUTHENTICATION_REQUIRED ? CHALLENGE : INVALID_CHALLENGE);
        }
        if (reason == Reason.SERVICE_UNAVAILABLE) {
            response.headers().set("Retry-After", "5");
        }
        return response;
    }

    private static String clientDetail(Reason reason) {
        return switch (reason) {
            case AUTHENTICATION_REQUIRED -> "this route needs an access token";
            case TOKEN_EXPIRED -> "the access token has expired; refresh it";
            case TOKEN_REVOKED -> "the session of this access token has ended";
            case CSRF_REJECTED -> "cookie-authenticated requests need a same-origin Origin and a matching "
                    + AuthCookies.CSRF_HEADER + " header";
            case SERVICE_UNAVAILABLE -> "authentication cannot be checked right now";
            case API_KEY_INVALID -> "the API key is not valid";
            case API_KEY_GUESSING -> "too many invalid API keys from this address; retry later";
            default -> "the access token is not valid";
        };
    }
}
