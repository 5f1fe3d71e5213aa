package dev.bulwark.core.tenant;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bulwark.api.BodyTooLargeException;
import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Principal;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;
import dev.bulwark.api.store.Tenant;
import dev.bulwark.core.edge.MediaTypes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Enforces a route's {@link TenantConfig} at {@link Stage#TENANT}, after authentication and before authorization:
 * finds the tenant the request acts for, checks that the caller may act for it and that it is active, and publishes
 * it as {@link ExchangeAttributes#TENANT} for rate limits, identity headers and events.
 *
 * <p>In order, a request is refused (one security event, an RFC 9457 problem, nothing reaches the backend) when:
 * <ol>
 *   <li>a source is used ambiguously: a header or query parameter sent twice (or qs-style {@code name[]}), a value
 *       that is empty, longer than 128 characters or holds control characters, a JSON body that does not parse or
 *       whose field is not a string or an integer: 400 {@code MALFORMED_REQUEST};</li>
 *   <li>two sources name different tenants, whatever their order: 403 {@code TENANT_MISMATCH};</li>
 *   <li>no source names one and the rule requires it: 400 {@code TENANT_REQUIRED};</li>
 *   <li>the caller is anonymous, or neither its credential's tenant nor its stored memberships include the tenant,
 *       and none of its roles is a {@linkplain TenancyConfig#crossTenantRoles cross-tenant role}: 403
 *       {@code TENANT_NOT_MEMBER};</li>
 *   <li>the tenant is suspended or deleted, or unknown where {@code unknownTenants: deny}: 403
 *       {@code TENANT_INACTIVE} (cross-tenant roles included);</li>
 *   <li>memberships or the status cannot be read: 503 {@code SERVICE_UNAVAILABLE} (fail closed).</li>
 * </ol>
 * Membership is checked before status, so a caller learns nothing about tenants it does not belong to. Problem
 * details name sources, never values; the security event carries the tenant the request asked for when it named
 * one unambiguously. A request naming no tenant on a rule that does not require one passes, unless its
 * credential is bound to a tenant that is not active (403 {@code TENANT_INACTIVE}).
 *
 * <p>On a rule with a {@code body:} source, a request body must declare a JSON content type
 * ({@code application/json} or {@code +json}; 400 {@code MALFORMED_REQUEST} otherwise, so a form body carrying
 * a tenant field cannot slip past); it is read buffered, within the route's body limit, then forwarded as read.
 * Duplicate JSON keys are refused. Statuses and memberships come from a shared
 * {@link TenantDirectory}, so the hot path does not wait on a store. Built once per route; thread-safe.
 */
public final class TenantFilter implements SecurityFilter {

    private static final String SOURCE = "tenant";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final TenantSource[] sources;
    private final boolean required;
    private final boolean readsBody;
    private final String expected;
    private final Set<String> crossTenantRoles;
    private final boolean denyUnknown;
    private final TenantDirectory directory;

    /**
     * @param config         the route's rule
     * @param tenancy        the gateway-wide settings
     * @param directory      where statuses and memberships are looked up
     * @param pathParameters the names of the route pattern's {@code {name}} segments
     * @throws IllegalArgumentException naming the entry when the rule is {@link TenantConfig#OFF}, has no sources,
     *                                  has an invalid source, or a {@code path:} source the route pattern lacks
     */
    public TenantFilter(TenantConfig config, TenancyConfig tenancy, TenantDirectory directory,
                        Set<String> pathParameters) {
        if (config.isOff() || config.sources().isEmpty()) {
            throw new IllegalArgumentException("tenant rule needs at least one source");
        }
        List<TenantSource> parsed = new ArrayList<>();
        for (String spec : config.sources()) {
            TenantSource source = TenantSource.parse(spec);
            if (source instanceof TenantSource.PathParameter(String name) && !pathParameters.contains(name)) {
                throw new IllegalArgumentException("tenant source \"" + spec + "\" names no parameter of the route's"
                        + " path (parameters: " + (pathParameters.isEmpty() ? "none"
                        : String.join(", ", pathParameters.stream().sorted().toList())) + ")");
            }
            parsed.add(source);
        }
        this.sources = parsed.toArray(TenantSource[]::new);
        this.required = config.required();
        this.readsBody = parsed.stream().anyMatch(source -> source instanceof TenantSource.Body);
        this.expected = String.join(", ", parsed.stream().map(TenantSource::describe).toList());
        this.crossTenantRoles = Set.copyOf(tenancy.crossTenantRoles());
        this.denyUnknown = tenancy.unknownTenants() == TenancyConfig.UnknownTenants.DENY;
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    @Override
    public Stage stage() {
        return Stage.TENANT;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        if (!readsBody || exchange.isWebSocketUpgrade() || !hasBody(exchange)) {
            return resolve(exchange, chain, null);
        }
        if (!declaresJson(exchange)) {
            // A backend that also parses forms would read a tenant from this body that nobody checked.
            return refuse(exchange, Reason.MALFORMED_REQUEST, "this route reads the tenant from a json body;"
                    + " send the body as application/json", null);
        }
        return exchange.body().handle((body, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                if (cause instanceof BodyTooLargeException tooLarge) {
                    return refuse(exchange, Reason.BODY_TOO_LARGE, "request body exceeds " + tooLarge.limit()
                            + " bytes", null);
                }
                return CompletableFuture.<Response>failedFuture(cause);
            }
            JsonNode root;
            try {
                root = body.length == 0 ? null : JSON.readTree(body);
            } catch (JacksonException e) {
                return refuse(exchange, Reason.MALFORMED_REQUEST, "the request body is not valid json", null);
            } catch (IOException e) {
                return CompletableFuture.<Response>failedFuture(e);
            }
            return resolve(exchange, chain, root);
        }).thenCompose(Function.identity());
    }

    /** Every source the request uses must name the same tenant; then membership, then status. */
    private CompletionStage<Response> resolve(Exchange exchange, Chain chain, JsonNode body) {
        Principal principal = exchange.attribute(ExchangeAttributes.PRINCIPAL);
        String tenant = null;
        TenantSource from = null;
        for (TenantSource source : sources) {
            String value;
            try {
                value = source.read(exchange, principal, body);
            } catch (TenantSource.Malformed malformed) {
                return refuse(exchange, Reason.MALFORMED_REQUEST, malformed.getMessage(), null);
            }
            if (value == null) {
                continue;
            }
            if (tenant == null) {
                tenant = value;
                from = source;
            } else if (!tenant.equals(value)) {
                return refuse(exchange, Reason.TENANT_MISMATCH, "the tenant in the " + from.describe()
                        + " differs from the one in the " + source.describe(), null);
            }
        }
        if (tenant == null) {
            if (required) {
                return refuse(exchange, Reason.TENANT_REQUIRED, "name the tenant in one of: " + expected, null);
            }
            // A credential bound to a tenant still acts for it (the backend sees it): that tenant must be active.
            return principal == null || principal.tenant() == null ? chain.proceed(exchange)
                    : status(exchange, chain, principal.tenant());
        }
        if (principal == null) {
            return refuse(exchange, Reason.TENANT_NOT_MEMBER, "an anonymous caller belongs to no tenant", tenant);
        }
        if (tenant.equals(principal.tenant()) || crossesTenants(principal)) {
            return status(exchange, chain, tenant);
        }
        String requested = tenant;
        return directory.memberships(principal).handle((tenants, failure) -> {
            if (failure != null) {
                return refuse(exchange, Reason.SERVICE_UNAVAILABLE, "tenant memberships cannot be read; retry later",
                        requested);
            }
            if (!tenants.contains(requested)) {
                return refuse(exchange, Reason.TENANT_NOT_MEMBER, "the caller does not belong to this tenant",
                        requested);
            }
            return status(exchange, chain, requested);
        }).thenCompose(Function.identity());
    }

    private CompletionStage<Response> status(Exchange exchange, Chain chain, String tenant) {
        CompletableFuture<Optional<Tenant>> lookup = directory.tenant(tenant);
        if (lookup.isDone() && !lookup.isCompletedExceptionally()) {
            // The usual case, a cached status: decided here, without chaining futures on every request.
            return admit(exchange, chain, tenant, lookup.join());
        }
        return lookup.handle((found, failure) -> failure != null
                ? refuse(exchange, Reason.SERVICE_UNAVAILABLE, "tenant status cannot be read; retry later", tenant)
                : admit(exchange, chain, tenant, found)).thenCompose(Function.identity());
    }

    private CompletionStage<Response> admit(Exchange exchange, Chain chain, String tenant, Optional<Tenant> known) {
        if (known.isEmpty() ? denyUnknown : !known.get().isActive()) {
            return refuse(exchange, Reason.TENANT_INACTIVE, known.isEmpty() ? "the tenant is not registered"
                    : "the tenant is " + known.get().status().name().toLowerCase(Locale.ROOT), tenant);
        }
        exchange.attribute(ExchangeAttributes.TENANT, tenant);
        return chain.proceed(exchange);
    }

    private boolean crossesTenants(Principal principal) {
        for (String role : principal.roles()) {
            if (crossTenantRoles.contains(role)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A body of unknown length counts when the request is chunked or, since HTTP/2 has no
     * {@code Transfer-Encoding}, when it declares a content type.
     */
    private static boolean hasBody(Exchange exchange) {
        long length = exchange.contentLength();
        return length > 0 || (length < 0 && (exchange.requestHeaders().contains("Transfer-Encoding")
                || exchange.requestHeaders().contains("Content-Type")));
    }

    /** Any JSON content type counts: a backend might honour any one of several. */
    private static boolean declaresJson(Exchange exchange) {
        for (String value : exchange.requestHeaders().getAll("Content-Type")) {
            if (MediaTypes.isJson(MediaTypes.of(value))) {
                return true;
            }
        }
        return false;
    }

    /** The event names the tenant asked for (or none), not the credential's own, which may be another. */
    private static CompletionStage<Response> refuse(Exchange exchange, Reason reason, String detail, String tenant) {
        exchange.attribute(ExchangeAttributes.TENANT, tenant);
        return CompletableFuture.completedFuture(exchange.refuse(reason, SOURCE, detail));
    }

    @Override
    public String toString() {
        return "TenantFilter[" + expected + (required ? ", required" : "") + "]";
    }
}
