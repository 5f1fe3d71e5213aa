package dev.bulwark.core.auth;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Problem;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Enforces a route's {@code auth} setting: verifies the credential with the {@link Authenticator} and either
 * passes the request on with its principal or answers 401 with {@code WWW-Authenticate} (403 for a failed CSRF
 * check, 503 when revocations cannot be confirmed).
 *
 * <p>Refusals share one generic text per reason, so a client cannot tell which check failed beyond the
 * problem's stable {@code type}; the security event carries the precise cause. Thread-safe.
 */
public final class AuthenticationFilter implements SecurityFilter {

    private static final String CHALLENGE = "Bearer realm=\"bulwark\"";
    private static final String INVALID_CHALLENGE = CHALLENGE + ", error=\"invalid_token\"";

    private final AuthRouteConfig route;
    private final Authenticator authenticator;

    public AuthenticationFilter(AuthRouteConfig route, Authenticator authenticator) {
        this.route = Objects.requireNonNull(route, "route");
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        if (!route.isOn()) {
            throw new IllegalArgumentException("authentication filter for a route with auth off");
        }
    }

    @Override
    public Stage stage() {
        return Stage.AUTHENTICATION;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        Authenticator.Outcome outcome = authenticator.authenticate(exchange, route);
        return switch (outcome) {
            case Authenticator.Outcome.Authenticated authenticated -> chain.proceed(exchange);
            case Authenticator.Outcome.Anonymous anonymous -> route.mode() == AuthRouteConfig.Mode.OPTIONAL
                    ? chain.proceed(exchange)
                    : CompletableFuture.completedFuture(refuse(exchange, Reason.AUTHENTICATION_REQUIRED,
                            "no credential"));
            case Authenticator.Outcome.Refused refused ->
                    CompletableFuture.completedFuture(refuse(exchange, refused.reason(), refused.detail()));
        };
    }

    /**
     * Emits the event with the precise cause and builds the client's answer with the generic one.
     *
     * @return the problem response, with a challenge for 401s
     */
    public static Response refuse(Exchange exchange, Reason reason, String eventDetail) {
        exchange.emit(reason, "authentication", eventDetail);
        Response response = Response.problem(Problem.of(reason, clientDetail(reason), exchange.requestId()));
        if (reason.status() == 401) {
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
            default -> "the access token is not valid";
        };
    }
}
