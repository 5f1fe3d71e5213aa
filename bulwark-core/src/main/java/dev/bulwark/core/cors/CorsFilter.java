package dev.bulwark.core.cors;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Headers;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;
import dev.bulwark.core.edge.HttpTokens;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Applies a route's cross-origin rules: answers preflights at the edge and adds CORS headers to responses for
 * allowed origins only.
 *
 * <p>Origins are matched by {@link AllowedOrigins} (exact origins, {@code https://*.example.com} subdomain
 * patterns, regexes, {@code *}, a literal {@code null}); a malformed or repeated {@code Origin} is never allowed.
 *
 * <p>A preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) never reaches
 * later filters or the backend: it gets {@code 204} with the allow headers, or a 403 problem
 * ({@link Reason#CORS_ORIGIN_DENIED} for the origin, {@link Reason#CORS_METHOD_DENIED} for a method or a
 * requested header). Other requests pass through whatever their origin, since the browser, not the server,
 * enforces CORS on them; on the way back the gateway owns CORS for the route: any {@code Access-Control-*}
 * headers the upstream sent are removed, {@code Vary: Origin} is added, and only allowed origins get
 * {@code Access-Control-Allow-Origin} (the echoed origin, or {@code *} when any origin is allowed without
 * credentials), {@code -Allow-Credentials} and {@code -Expose-Headers}.
 *
 * <p>Compiled once at construction; thread-safe.
 */
public final class CorsFilter implements SecurityFilter {

    private static final String SOURCE = "cors";
    private static final int MAX_ECHOED = 100;
    private static final String[] UPSTREAM_CORS_HEADERS = {
        "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
        "Access-Control-Allow-Headers", "Access-Control-Expose-Headers", "Access-Control-Max-Age"};
    private static final String PREFLIGHT_VARY =
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

    private final AllowedOrigins origins;
    private final boolean anyOrigin;
    private final boolean credentials;
    private final Set<String> methods = new LinkedHashSet<>();
    private final String allowMethods;
    private final boolean anyHeader;
    private final Set<String> headers = new HashSet<>();
    private final String exposeHeaders;
    private final String maxAge;

    /**
     * @throws IllegalArgumentException when an origin is not {@code scheme://host[:port]} (or a
     *                                  {@code scheme://*.domain[:port]} pattern, {@code *}, {@code null}), a
     *                                  regex does not compile, {@code *} is combined with credentials, or
     *                                  max-age is negative
     */
    public CorsFilter(CorsConfig config) {
        Objects.requireNonNull(config, "config");
        this.origins = new AllowedOrigins(SOURCE, config.allowedOrigins(), config.allowedOriginRegexes());
        this.anyOrigin = origins.allowsAny();
        if (anyOrigin && config.allowCredentials()) {
            throw new IllegalArgumentException("cors origin * cannot be combined with credentials: "
                    + config.allowedOrigins());
        }
        this.credentials = config.allowCredentials();
        config.allowedMethods().forEach(method -> methods.add(method.trim().toUpperCase(Locale.ROOT)));
        this.allowMethods = String.join(", ", methods);
        boolean anyRequestHeader = false;
        for (String header : config.allowedHeaders()) {
            if (header.trim().equals("*")) {
                anyRequestHeader = true;
            } else {
                headers.add(header.trim().toLowerCase(Locale.ROOT));
            }
        }
        this.anyHeader = anyRequestHeader;
        this.exposeHeaders = config.exposedHeaders().isEmpty() ? null : String.join(", ", config.exposedHeaders());
        Duration age = config.maxAge();
        if (age != null && age.isNegative()) {
            throw new IllegalArgumentException("cors max-age must not be negative: " + age);
        }
        this.maxAge = age == null ? null : Long.toString(age.toSeconds());
    }

    @Override
    public Stage stage() {
        return Stage.CORS;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        Headers request = exchange.requestHeaders();
        String origin = request.get("Origin");
        if (origin != null && request.getAll("Origin").size() > 1) {
            // Which of two origins the backend would believe is unknowable; allow neither.
            origin = "";
        }
        String requestMethod = request.get("Access-Control-Request-Method");
        if (origin != null && requestMethod != null && exchange.method().equals("OPTIONS")) {
            return CompletableFuture.completedFuture(preflight(exchange, origin, requestMethod));
        }
        String allowedOrigin = origin != null && origins.allows(origin) ? origin : null;
        return chain.proceed(exchange).thenApply(response -> {
            Headers headers = response.headers();
            for (String name : UPSTREAM_CORS_HEADERS) {
                headers.remove(name);
            }
            addVary(headers);
            if (allowedOrigin != null) {
                headers.set("Access-Control-Allow-Origin", anyOrigin ? "*" : allowedOrigin);
                if (credentials) {
                    headers.set("Access-Control-Allow-Credentials", "true");
                }
                if (exposeHeaders != null) {
                    headers.set("Access-Control-Expose-Headers", exposeHeaders);
                }
            }
            return response;
        });
    }

    private Response preflight(Exchange exchange, String origin, String requestMethod) {
        if (!origins.allows(origin)) {
            return exchange.refuse(Reason.CORS_ORIGIN_DENIED, SOURCE, "origin not allowed: " + shown(origin));
        }
        if (!methods.contains(requestMethod.trim().toUpperCase(Locale.ROOT))) {
            return exchange.refuse(Reason.CORS_METHOD_DENIED, SOURCE,
                    "method not allowed: " + shown(requestMethod));
        }
        Set<String> requested = new LinkedHashSet<>();
        for (String field : exchange.requestHeaders().getAll("Access-Control-Request-Headers")) {
            for (String name : field.split(",")) {
                String header = name.trim().toLowerCase(Locale.ROOT);
                if (header.isEmpty()) {
                    continue;
                }
                if (!HttpTokens.isToken(header) || (!anyHeader && !headers.contains(header))) {
                    return exchange.refuse(Reason.CORS_METHOD_DENIED, SOURCE,
                            "header not allowed: " + shown(header));
                }
                requested.add(header);
            }
        }
        Response response = Response.empty(204);
        Headers out = response.headers();
        out.set("Access-Control-Allow-Origin", anyOrigin && !credentials ? "*" : origin);
        out.set("Access-Control-Allow-Methods", allowMethods);
        if (!requested.isEmpty()) {
            out.set("Access-Control-Allow-Headers", String.join(", ", requested));
        }
        if (maxAge != null) {
            out.set("Access-Control-Max-Age", maxAge);
        }
        if (credentials) {
            out.set("Access-Control-Allow-Credentials", "true");
        }
        out.set("Vary", PREFLIGHT_VARY);
        return response;
    }

    private static void addVary(Headers headers) {
        for (String field : headers.getAll("Vary")) {
            for (String token : field.split(",")) {
                String name = token.trim();
                if (name.equals("*") || name.equalsIgnoreCase("Origin")) {
                    return;
                }
            }
        }
        headers.add("Vary", "Origin");
    }

    private static String shown(String value) {
        return value.length() > MAX_ECHOED ? value.substring(0, MAX_ECHOED) + "..." : value;
    }
}
