package dev.bulwark.core.identityheaders;

import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bulwark.api.store.Device;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthRouteConfig;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.auth.AuthenticationFilter;
import dev.bulwark.core.auth.identity.Identity;
import dev.bulwark.core.auth.password.PasswordHashingConfig;
import dev.bulwark.core.auth.token.MasterKey;
import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Headers;
import dev.bulwark.api.Principal;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;
import dev.bulwark.core.auth.token.KeyRing;
import dev.bulwark.core.auth.token.TokenAlgorithm;
import dev.bulwark.core.config.ConfigProblem;
import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityHeadersFilterTest {

    private static final String ISSUER = "https://auth.bulwark.test";
    private static final String[] IDENTITY_HEADERS =
            {"X-User-Id", "X-Tenant-Id", "X-Roles", "X-Session-Id", "X-Bulwark-Identity"};

    private final FakeClock clock = new FakeClock();
    private final KeyRing ring = KeyRing.generate(TokenAlgorithm.EDDSA, clock.instant());
    private final IdentityTokenSigner signer = new IdentityTokenSigner(ring, ISSUER, clock);
    private final Upstream upstream = Upstream.ok();

    private static Principal alice() {
        return new Principal("alice", "s-1", ISSUER, List.of("editor", "viewer"), List.of(), "acme",
                FakeClock.DEFAULT_START.plus(Duration.ofMinutes(15)), Principal.Method.BEARER);
    }

    /** Stands in for authentication: publishes the principal, as AuthenticationFilter does. */
    private record SignedIn(Principal principal) implements SecurityFilter {
        @Override
        public Stage stage() {
            return Stage.AUTHENTICATION;
        }

        @Override
        public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
            exchange.attribute(ExchangeAttributes.PRINCIPAL, principal);
            exchange.attribute(ExchangeAttributes.USER, principal.userId());
            return chain.proceed(exchange);
        }
    }

    /** Records what a filter at {@code stage} could read of the identity headers. */
    private static final class Probe implements SecurityFilter {
        private final Stage stage;
        private final List<String> seen = new ArrayList<>();

        Probe(Stage stage) {
            this.stage = stage;
        }

        @Override
        public Stage stage() {
            return stage;
        }

        @Override
        public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
            exchange.requestHeaders().forEach((name, value) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (List.of("x-user-id", "x-tenant-id", "x-roles", "x-session-id", "x-auth-user").contains(lower)
                        || lower.startsWith("x-bulwark-")) {
                    seen.add(name + ": " + value);
                }
            });
            return chain.proceed(exchange);
        }
    }

    private static ExchangeBuilder spoofing() {
        return ExchangeBuilder.get("/orders")
                .requestId("req-1")
                .header("x-user-id", "admin")
                .header("X-USER-ID", "root")
                .header("X-User-Id", "first")
                .header("X-User-Id", "second")
                .header("x-tenant-id", "other-tenant")
                .header("X-ROLES", "admin,superuser")
                .header("x-SESSION-id", "s-stolen")
                .header("X-Bulwark-Anything", "yes")
                .header("x-bulwark-identity", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.")
                .header("X-BULWARK-ADMIN", "1")
                .header("Authorization", "Bearer abc")
                .header("X-Users", "kept: not an identity header")
                .header("X-Bulwarkish", "kept: not under X-Bulwark-")
                .header("Accept", "application/json");
    }

    private static List<String> lowerNames(Headers headers) {
        return headers.names().stream().map(name -> name.toLowerCase(Locale.ROOT)).toList();
    }

    private Headers run(ExchangeBuilder request, SecurityFilter... filters) {
        Response response = Chains.run(request.clock(clock).build(), upstream, filters);
        assertThat(response.status()).isEqualTo(200);
        return upstream.lastRequestHeaders();
    }

    @Test
    void spoofedIdentityHeadersInAnyCaseRepeatedOrUnderXBulwarkNeverReachTheBackend() {
        Headers sent = run(spoofing(), IdentityHeadersFilter.filters(IdentityHeadersConfig.DEFAULT, signer, "orders")
                .toArray(SecurityFilter[]::new));

        assertThat(lowerNames(sent)).doesNotContain("x-user-id", "x-tenant-id", "x-roles", "x-session-id",
                        "x-bulwark-anything", "x-bulwark-identity", "x-bulwark-admin")
                .contains("authorization", "x-users", "x-bulwarkish", "accept");
        assertThat(sent.get("X-Users")).isEqualTo("kept: not an identity header");
    }

    @Test
    void noStageAfterTheEdgeCanReadASpoofedIdentityHeader() {
        Probe corsStage = new Probe(Stage.CORS);
        Probe rateLimitStage = new Probe(Stage.RATE_LIMIT);
        Probe authenticationStage = new Probe(Stage.AUTHENTICATION);

        run(spoofing(), new IdentityHeaderStripFilter(IdentityHeadersConfig.DEFAULT), corsStage, rateLimitStage,
                authenticationStage);

        assertThat(corsStage.seen).isEmpty();
        assertThat(rateLimitStage.seen).isEmpty();
        assertThat(authenticationStage.seen).isEmpty();
    }

    @Test
    void anAuthenticatedRequestCarriesTheVerifiedIdentityInsteadOfTheClientsCopy() throws Exception {
        Probe webhookStage = new Probe(Stage.WEBHOOK);
        List<SecurityFilter> filters = new ArrayList<>(
                IdentityHeadersFilter.filters(IdentityHeadersConfig.DEFAULT, signer, "orders"));
        filters.add(new SignedIn(alice()));
        filters.add(webhookStage);

        Headers sent = run(spoofing(), filters.toArray(SecurityFilter[]::new));

        assertThat(sent.getAll("X-User-Id")).containsExactly("alice");
        assertThat(sent.getAll("X-Tenant-Id")).containsExactly("acme");
        assertThat(sent.getAll("X-Roles")).containsExactly("editor,viewer");
        assertThat(sent.getAll("X-Session-Id")).containsExactly("s-1");
        assertThat(sent.getAll("X-Bulwark-Identity")).hasSize(1);
        assertThat(sent.names()).noneMatch(name -> name.equalsIgnoreCase("X-Bulwark-Anything")
                || name.equalsIgnoreCase("X-Bulwark-Admin"));
        SignedJWT token = SignedJWT.parse(sent.get("X-Bulwark-Identity"));
        assertThat(token.getJWTClaimsSet().getSubject()).isEqualTo("alice");
        assertThat(token.getJWTClaimsSet().getAudience()).containsExactly("orders");
        assertThat(token.getJWTClaimsSet().getStringClaim("req")).isEqualTo("req-1");
        // Later stages already see the gateway's values, never the client's.
        assertThat(webhookStage.seen).contains("X-User-Id: alice").noneMatch(line -> line.contains("admin"));
    }

    @Test
    void aRealLoginFlowsThroughAuthenticationIntoHeadersAndAVerifiableToken() throws Exception {
        AuthConfig auth = AuthConfig.builder().issuer(ISSUER)
                .hashing(new PasswordHashingConfig(1024, 1, 1, 16, 32)).build();
        try (AuthServices services = AuthServices.start(auth, AuthServices.Stores.inMemory(clock),
                MasterKey.generate(), clock)) {
            Identity identity = services.identity();
            identity.createUser("ann@example.com", "sEcReT-correct-horse-battery-42", Set.of("MEMBER"),
                    Set.of("clinic-7")).toCompletableFuture().join();
            Identity.LoginOutcome login = identity.login("ann@example.com", "sEcReT-correct-horse-battery-42",
                    new Device("Mozilla/5.0 (X11) Gecko/20100101 Firefox/130.0", "10.0.0.1", null))
                    .toCompletableFuture().join();
            Identity.Tokens tokens = ((Identity.LoginOutcome.Success) login).tokens();
            List<SecurityFilter> filters = new ArrayList<>(IdentityHeadersFilter.filters(IdentityHeadersConfig.DEFAULT,
                    new IdentityTokenSigner(services.ring(), auth.issuer(), clock), "clinic-api"));
            filters.add(new AuthenticationFilter(AuthRouteConfig.REQUIRED, services.authenticator()));

            Headers sent = run(ExchangeBuilder.get("/patients").requestId("req-9")
                    .header("Authorization", "Bearer " + tokens.accessToken().token())
                    .header("X-User-Id", "admin").header("X-Roles", "ADMIN").header("X-Tenant-Id", "clinic-1"),
                    filters.toArray(SecurityFilter[]::new));

            assertThat(sent.getAll("X-User-Id")).containsExactly(tokens.user().id());
            assertThat(sent.getAll("X-Roles")).containsExactly("MEMBER");
            assertThat(sent.getAll("X-Tenant-Id")).containsExactly("clinic-7");
            assertThat(sent.getAll("X-Session-Id")).containsExactly(tokens.sessionId());
            SignedJWT token = SignedJWT.parse(sent.get("X-Bulwark-Identity"));
            JWK published = JWKSet.parse(services.ring().jwks(clock.instant()))
                    .getKeyByKeyId(token.getHeader().getKeyID());
            assertThat(token.verify(new Ed25519Verifier(published.toOctetKeyPair()))).isTrue();
            assertThat(token.getJWTClaimsSet().getIssuer()).isEqualTo(ISSUER);
            assertThat(token.getJWTClaimsSet().getAudience()).containsExactly("clinic-api");
            assertThat(token.getJWTClaimsSet().getSubject()).isEqualTo(tokens.user().id());
            assertThat(token.getJWTClaimsSet().getStringClaim("req")).isEqualTo("req-9");
            assertThat(token.getJWTClaimsSet().getClaims()).doesNotContainKey("idp");
        }
    }

    @Test
    void theTenantTheRequestActsForWinsOverTheCredentialsOwn() throws Exception {
        SecurityFilter tenancy = new SecurityFilter() {
            @Override
            public Stage stage() {
                return Stage.AUTHORIZATION;
            }

            @Override
            public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
                exchange.attribute(ExchangeAttributes.TENANT, "beta");
                return chain.proceed(exchange);
            }
        };

        Headers sent = run(ExchangeBuilder.get("/orders"), new SignedIn(alice()), tenancy,
                new IdentityHeadersFilter(IdentityHeadersConfig.DEFAULT, signer, "orders"));

        assertThat(sent.get("X-Tenant-Id")).isEqualTo("beta");
        assertThat(SignedJWT.parse(sent.get("X-Bulwark-Identity")).getJWTClaimsSet().getStringClaim("tenant"))
                .isEqualTo("beta");
    }

    @Test
    void anAnonymousRequestOnAnOptionalRouteGetsNoIdentityHeadersButIsStillStripped() {
        Headers sent = run(spoofing(), IdentityHeadersFilter.filters(IdentityHeadersConfig.DEFAULT, signer, "orders")
                .toArray(SecurityFilter[]::new));

        for (String name : IDENTITY_HEADERS) {
            assertThat(sent.contains(name)).as(name).isFalse();
        }
    }

    @Test
    void aUserWithoutRolesTenantOrSessionGetsOnlyTheHeadersThatApply() throws Exception {
        Principal external = new Principal("ext-42", null, "https://login.partner.test", List.of(), List.of(), null,
                clock.instant().plusSeconds(300), Principal.Method.BEARER);

        Headers sent = run(ExchangeBuilder.get("/orders"), new SignedIn(external),
                new IdentityHeadersFilter(IdentityHeadersConfig.DEFAULT, signer, "orders"));

        assertThat(sent.get("X-User-Id")).isEqualTo("ext-42");
        assertThat(sent.contains("X-Roles")).isFalse();
        assertThat(sent.contains("X-Tenant-Id")).isFalse();
        assertThat(sent.contains("X-Session-Id")).isFalse();
        var claims = SignedJWT.parse(sent.get("X-Bulwark-Identity")).getJWTClaimsSet();
        assertThat(claims.getStringListClaim("roles")).isEmpty();
        assertThat(claims.getClaims()).doesNotContainKeys("sid", "tenant");
        assertThat(claims.getStringClaim("idp")).isEqualTo("https://login.partner.test");
    }

    @Test
    void idsThatWouldBreakAHeaderArePercentEncodedWhileTheTokenKeepsThemVerbatim() throws Exception {
        String userId = "jos\u00e9\r\nX-Admin: 1";
        Principal odd = new Principal(userId, "s 1", ISSUER, List.of("a,b", "c+d", "100%"), List.of(), "t\u00fcr",
                clock.instant().plusSeconds(300), Principal.Method.BEARER);

        Headers sent = run(ExchangeBuilder.get("/orders"), new SignedIn(odd),
                new IdentityHeadersFilter(IdentityHeadersConfig.DEFAULT, signer, "orders"));

        assertThat(sent.get("X-User-Id")).isEqualTo("jos%C3%A9%0D%0AX-Admin:%201");
        assertThat(sent.get("X-Roles")).isEqualTo("a%2Cb,c%2Bd,100%25");
        assertThat(sent.get("X-Tenant-Id")).isEqualTo("t%C3%BCr");
        assertThat(sent.get("X-Session-Id")).isEqualTo("s%201");
        assertThat(URLDecoder.decode(sent.get("X-User-Id"), StandardCharsets.UTF_8))
                .isEqualTo(userId);
        var claims = SignedJWT.parse(sent.get("X-Bulwark-Identity")).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(userId);
        assertThat(claims.getStringListClaim("roles")).containsExactly("a,b", "c+d", "100%");
    }

    @Test
    void renamedHeadersAreStrippedTooAndHeadersTurnedOffAreNotSent() {
        IdentityHeadersConfig config = IdentityHeadersConfig.builder()
                .strip("X-Bulwark-*")
                .userHeader("X-Auth-User")
                .sessionHeader(null)
                .token(false)
                .build();
        List<SecurityFilter> filters = new ArrayList<>(IdentityHeadersFilter.filters(config, null, "orders"));
        Probe rateLimitStage = new Probe(Stage.RATE_LIMIT);
        filters.add(rateLimitStage);
        filters.add(new SignedIn(alice()));

        Headers sent = run(ExchangeBuilder.get("/orders").header("x-auth-user", "admin").header("X-Bulwark-Identity",
                "forged"), filters.toArray(SecurityFilter[]::new));

        assertThat(config.effectiveStrip()).containsExactly("X-Bulwark-*", "X-Auth-User", "X-Tenant-Id", "X-Roles");
        assertThat(sent.getAll("X-Auth-User")).containsExactly("alice");
        assertThat(sent.contains("X-Session-Id")).isFalse();
        assertThat(sent.contains("X-Bulwark-Identity")).isFalse();
        assertThat(rateLimitStage.seen).isEmpty();
    }

    @Test
    void theIdentityFilterAloneStillRemovesTheClientsCopies() {
        Headers sent = run(spoofing(), new IdentityHeadersFilter(IdentityHeadersConfig.DEFAULT, signer, "orders"));

        assertThat(lowerNames(sent)).doesNotContain("x-user-id", "x-roles", "x-bulwark-identity", "x-bulwark-admin");
    }

    @Test
    void theTokensAudienceIsTheUpstreamUnlessOneIsConfigured() throws Exception {
        IdentityHeadersFilter byUpstream = new IdentityHeadersFilter(IdentityHeadersConfig.DEFAULT, signer, "orders");
        IdentityHeadersFilter configured = new IdentityHeadersFilter(
                IdentityHeadersConfig.builder().audience("https://orders.internal").build(), signer, "orders");

        Headers sent = run(ExchangeBuilder.get("/orders"), new SignedIn(alice()), configured);

        assertThat(byUpstream.audience()).isEqualTo("orders");
        assertThat(configured.audience()).isEqualTo("https://orders.internal");
        assertThat(SignedJWT.parse(sent.get("X-Bulwark-Identity")).getJWTClaimsSet().getAudience())
                .containsExactly("https://orders.internal");
    }

    @Test
    void stripRunsAtTheEdgeAndIdentityAfterAuthorizationAndIdentifiedRateLimits() {
        List<SecurityFilter> filters = IdentityHeadersFilter.filters(IdentityHeadersConfig.DEFAULT, signer, "orders");

        assertThat(filters).extracting(SecurityFilter::stage).containsExactly(Stage.EDGE, Stage.IDENTITY);
        assertThat(Arrays.asList(Stage.values()).subList(Stage.IDENTIFIED_RATE_LIMIT.ordinal(),
                Stage.WEBHOOK.ordinal() + 1))
                .containsExactly(Stage.IDENTIFIED_RATE_LIMIT, Stage.IDENTITY, Stage.WEBHOOK);
        assertThat(Stage.IDENTITY).isGreaterThan(Stage.AUTHORIZATION);
    }

    @Test
    void theDefaultsAreValid() {
        assertThat(IdentityHeadersConfig.problems(IdentityHeadersConfig.DEFAULT, "identityHeaders")).isEmpty();
        assertThat(IdentityHeadersConfig.problems(null, "identityHeaders")).isEmpty();
        assertThat(IdentityHeadersConfig.DEFAULT.tokenLifetime()).isEqualTo(Duration.ofSeconds(60));
        assertThat(IdentityHeadersConfig.DEFAULT.strip())
                .containsExactly("X-User-Id", "X-Tenant-Id", "X-Roles", "X-Session-Id", "X-Bulwark-*");
    }

    @Test
    void badSettingsAreReportedAtTheirKeyPathNamingTheValue() {
        IdentityHeadersConfig config = IdentityHeadersConfig.builder()
                .strip(Arrays.asList("X-Bulwark-*", "*", "X-*", "Authorization", "Bad Header", "x-bulwark-*", null))
                .userHeader("Cookie")
                .tenantHeader("X-Org")
                .rolesHeader("x-org")
                .tokenLifetime(Duration.ofMillis(1500))
                .audience(" ")
                .build();

        List<String> problems = IdentityHeadersConfig.problems(config, "policies.api.identityHeaders").stream()
                .map(ConfigProblem::toString).toList();

        assertThat(problems).containsExactly(
                "policies.api.identityHeaders.strip[1]: \"*\" is not a header name (expected letters, digits and -"
                        + " only, optionally ending in * for a prefix)",
                "policies.api.identityHeaders.strip[2]: \"X-*\" would strip X-Request-Id, which clients and the"
                        + " gateway need",
                "policies.api.identityHeaders.strip[3]: \"Authorization\" would strip Authorization, which clients"
                        + " and the gateway need",
                "policies.api.identityHeaders.strip[4]: \"Bad Header\" is not a header name (expected letters,"
                        + " digits and - only, optionally ending in * for a prefix)",
                "policies.api.identityHeaders.strip[5]: \"x-bulwark-*\" is listed twice (also at strip[0])",
                "policies.api.identityHeaders.strip[6]: is empty (expected a header name such as X-User-Id or a"
                        + " prefix such as X-Bulwark-*)",
                "policies.api.identityHeaders.userHeader: \"Cookie\" is a header clients and the gateway need;"
                        + " choose another name",
                "policies.api.identityHeaders.rolesHeader: \"x-org\" is already used by tenantHeader",
                "policies.api.identityHeaders.tokenLifetime: 1500ms must be whole seconds between 1s and 5m (the"
                        + " token's exp is in seconds)",
                "policies.api.identityHeaders.audience: \" \" is not a usable audience (expected 1 to 256 printable"
                        + " characters, or leave it out to use the upstream's name)");
    }

    @Test
    void lifetimesOutsideOneSecondToFiveMinutesAreRefused() {
        for (Duration lifetime : List.of(Duration.ZERO, Duration.ofMinutes(6))) {
            IdentityHeadersConfig config = IdentityHeadersConfig.builder().tokenLifetime(lifetime).build();
            assertThat(IdentityHeadersConfig.problems(config, "identityHeaders"))
                    .extracting(ConfigProblem::path).containsExactly("identityHeaders.tokenLifetime");
        }
        assertThat(IdentityHeadersConfig.problems(IdentityHeadersConfig.builder().token(false)
                .tokenLifetime(Duration.ZERO).build(), "identityHeaders")).isEmpty();
    }

    @Test
    void filtersRefuseBadSettingsAndAMissingSignerOrAudience() {
        IdentityHeadersConfig bad = IdentityHeadersConfig.builder().strip("Host").build();

        assertThatThrownBy(() -> new IdentityHeaderStripFilter(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("identityHeaders.strip[0]: \"Host\" would strip Host, which clients and the gateway need");
        assertThatThrownBy(() -> new IdentityHeadersFilter(IdentityHeadersConfig.DEFAULT, null, "orders"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("identity token is on but no signer was given");
        assertThatThrownBy(() -> new IdentityHeadersFilter(IdentityHeadersConfig.DEFAULT, signer, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("identity token needs an audience");
    }

    @Test
    void theIdentityTokenExpiresOnTheGatewaysClock() throws Exception {
        clock.set(Instant.parse("2025-06-01T12:00:00.750Z"));

        Headers sent = run(ExchangeBuilder.get("/orders"), new SignedIn(alice()),
                new IdentityHeadersFilter(IdentityHeadersConfig.builder().tokenLifetime(Duration.ofSeconds(30))
                        .build(), signer, "orders"));

        var claims = SignedJWT.parse(sent.get("X-Bulwark-Identity")).getJWTClaimsSet();
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(Instant.parse("2025-06-01T12:00:00Z"));
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(Instant.parse("2025-06-01T12:00:30Z"));
    }
}
