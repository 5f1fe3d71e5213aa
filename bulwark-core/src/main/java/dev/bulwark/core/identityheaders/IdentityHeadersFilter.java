package dev.bulwark.core.identityheaders;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Headers;
import dev.bulwark.api.Principal;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Forwards the verified identity to the backend, at {@link Stage#IDENTITY} (after authentication, authorization
 * and identified rate limits): the user id, tenant, roles (comma-separated) and session id as plain headers, and
 * the same facts in a short-lived signed token ({@link IdentityTokenSigner}) that a backend can verify against the
 * gateway's JWKS.
 *
 * <p>The principal is {@link ExchangeAttributes#PRINCIPAL}; the tenant is {@link ExchangeAttributes#TENANT} when a
 * tenancy check resolved one, else the credential's own. Anonymous requests (optional authentication) get no
 * identity headers and no token. Whatever the request, the configured names are stripped first, so the backend
 * never sees a client's copy even on a chain that lacks the {@link IdentityHeaderStripFilter} (which still must run
 * at {@link Stage#EDGE} so that earlier stages cannot read spoofed values either). Header values are passed through
 * {@link HeaderValues}: ordinary ids arrive unchanged, anything else percent-encoded; the token carries them
 * verbatim. A signing failure propagates, so the request fails closed rather than reaching the backend without
 * its token. Thread-safe.
 */
public final class IdentityHeadersFilter implements SecurityFilter {

    private final StripList strip;
    private final String userHeader;
    private final String tenantHeader;
    private final String rolesHeader;
    private final String sessionHeader;
    private final String tokenHeader;
    private final IdentityTokenSigner signer;
    private final String audience;
    private final Duration lifetime;

    /**
     * @param config   the route's settings
     * @param signer   signs the identity token; may be {@code null} only when the token is off
     * @param upstream the route's upstream name: the token's audience unless the config names one
     * @throws IllegalArgumentException naming the first problem {@link IdentityHeadersConfig#problems} reports, or
     *                                  when the token is on and the signer or the audience is missing
     */
    public IdentityHeadersFilter(IdentityHeadersConfig config, IdentityTokenSigner signer, String upstream) {
        IdentityHeaderStripFilter.validated(config);
        this.strip = new StripList(config.effectiveStrip());
        this.userHeader = config.userHeader();
        this.tenantHeader = config.tenantHeader();
        this.rolesHeader = config.rolesHeader();
        this.sessionHeader = config.sessionHeader();
        this.lifetime = config.tokenLifetime();
        if (config.token()) {
            if (signer == null) {
                throw new IllegalArgumentException("identity token is on but no signer was given");
            }
            String aud = config.audience() != null ? config.audience() : upstream;
            if (aud == null || aud.isBlank()) {
                throw new IllegalArgumentException("identity token needs an audience: no upstream name and no"
                        + " audience configured: " + aud);
            }
            this.signer = signer;
            this.tokenHeader = config.tokenHeader();
            this.audience = aud;
        } else {
            this.signer = null;
            this.tokenHeader = null;
            this.audience = null;
        }
    }

    /**
     * @return both filters a route with identity headers needs, in stage order: the strip filter at EDGE and this
     *     filter at IDENTITY
     * @see #IdentityHeadersFilter(IdentityHeadersConfig, IdentityTokenSigner, String)
     */
    public static List<SecurityFilter> filters(IdentityHeadersConfig config, IdentityTokenSigner signer,
                                               String upstream) {
        return List.of(new IdentityHeaderStripFilter(config), new IdentityHeadersFilter(config, signer, upstream));
    }

    /** @return the token's audience, or {@code null} when the token is off */
    public String audience() {
        return audience;
    }

    @Override
    public Stage stage() {
        return Stage.IDENTITY;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        Headers headers = exchange.requestHeaders();
        strip.stripFrom(headers);
        Principal principal = exchange.attribute(ExchangeAttributes.PRINCIPAL);
        if (principal != null) {
            String tenant = exchange.attribute(ExchangeAttributes.TENANT);
            if (tenant == null) {
                tenant = principal.tenant();
            }
            if (userHeader != null) {
                headers.set(userHeader, HeaderValues.encode(principal.userId()));
            }
            if (tenantHeader != null && tenant != null) {
                headers.set(tenantHeader, HeaderValues.encode(tenant));
            }
            if (rolesHeader != null && !principal.roles().isEmpty()) {
                headers.set(rolesHeader, roles(principal.roles()));
            }
            if (sessionHeader != null && principal.sessionId() != null) {
                headers.set(sessionHeader, HeaderValues.encode(principal.sessionId()));
            }
            if (signer != null) {
                headers.set(tokenHeader, signer.sign(principal, tenant, audience, lifetime, exchange.requestId()));
            }
        }
        return chain.proceed(exchange);
    }

    private static String roles(List<String> roles) {
        if (roles.size() == 1) {
            return HeaderValues.encode(roles.getFirst());
        }
        StringBuilder joined = new StringBuilder(16 * roles.size());
        for (int i = 0; i < roles.size(); i++) {
            if (i > 0) {
                joined.append(',');
            }
            joined.append(HeaderValues.encode(roles.get(i)));
        }
        return joined.toString();
    }
}
