package dev.bulwark.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.api.Reason;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthRouteConfig;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.auth.external.ExternalIssuerConfig;
import dev.bulwark.core.auth.external.ExternalTokenVerifier;
import dev.bulwark.core.auth.external.JwksSource;
import dev.bulwark.core.auth.identity.Identity;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.GatewayOptions;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.RecordingEventSink;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens from an external OIDC provider (shaped like Keycloak's, keys served from a real JWKS endpoint on a
 * loopback port) through a real gateway: which routes accept which issuers, forged and foreign tokens, key
 * rotation at the provider and a provider outage.
 *
 * <p>Routes: {@code /ext/**} accepts only the provider's tokens, {@code /own/**} only Bulwark's own, and
 * {@code /any/**} lists no issuer, so it accepts both.
 */
class ExternalIssuerGatewayTest {

    static final String OWN_ISSUER = "https://gateway.bulwark.test";
    static final String OWN_AUDIENCE = "bulwark-api";
    static final String KEYCLOAK = "https://idp.bulwark.test/realms/shop";
    static final String KEYCLOAK_AUDIENCE = "account";
    static final String PASSWORD = "sEcReT-external-issuer-suite-passphrase-3";
    private static final String INVALID_CHALLENGE = "Bearer realm=\"bulwark\", error=\"invalid_token\"";

    private static final RSAKey KC_KEY_1 = rsa("kc-sig-2025-01");
    private static final RSAKey KC_KEY_2 = rsa("kc-sig-2025-02");

    private static final FakeClock clock = new FakeClock();
    private static final RecordingEventSink events = new RecordingEventSink();
    private static final BlockingQueue<Map<String, String>> received = new LinkedBlockingQueue<>();
    private static Vertx vertx;
    private static io.vertx.core.http.HttpServer upstream;
    private static JwksProvider provider;
    private static Gateway gateway;
    private static AuthClient client;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer().requestHandler(request -> {
            received.add(Map.of("path", request.path(),
                    "authorization", String.valueOf(request.getHeader("Authorization"))));
            request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        provider = JwksProvider.start(KC_KEY_1);
        gateway = Gateway.start(config(provider, upstream.actualPort()),
                GatewayOptions.defaults().withClock(clock).withEvents(events).withEventLoops(2));
        client = new AuthClient(gateway);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (provider != null) {
            provider.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void reset() {
        received.clear();
        events.clear();
    }

    static BulwarkConfig config(JwksProvider jwks, int upstreamPort) {
        AuthConfig auth = AuthConfig.builder().issuer(OWN_ISSUER).audience(OWN_AUDIENCE)
                .hashing(AuthFlowTest.FAST_HASHING)
                .issuer(ExternalIssuerConfig.fromUrl(KEYCLOAK, jwks.url(), KEYCLOAK_AUDIENCE)
                        .withRolesClaim("realm_access.roles"))
                .build();
        return BulwarkConfig.builder()
                .server(ServerConfig.builder().host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(2)))
                .upstream("backend", UpstreamConfig.builder().url("http://127.0.0.1:" + upstreamPort))
                .auth(auth)
                .route(RouteConfig.builder("external-only").path("/ext/**").upstream("backend")
                        .inline(PolicyConfig.builder().auth(new AuthRouteConfig(AuthRouteConfig.Mode.REQUIRED,
                                List.of(KEYCLOAK), null))))
                .route(RouteConfig.builder("bulwark-only").path("/own/**").upstream("backend")
                        .inline(PolicyConfig.builder().auth(new AuthRouteConfig(AuthRouteConfig.Mode.REQUIRED,
                                List.of(OWN_ISSUER), null))))
                .route(RouteConfig.builder("every-issuer").path("/any/**").upstream("backend")
                        .inline(PolicyConfig.builder().auth(new AuthRouteConfig(AuthRouteConfig.Mode.REQUIRED,
                                List.of(), null))))
                .build();
    }

    @Test
    void aKeycloakTokenReachesTheUpstreamOnTheExternalRouteAndOnTheRouteAcceptingEveryIssuer() throws Exception {
        String token = keycloakToken(KC_KEY_1, KC_KEY_1.getKeyID(), KEYCLOAK, Map.of());

        assertThat(client.get("/ext/orders", token).statusCode()).isEqualTo(200);
        assertThat(client.get("/any/orders", token).statusCode()).isEqualTo(200);

        assertThat(upstreamPaths()).containsExactly("/ext/orders", "/any/orders");
        assertThat(received).allSatisfy(request ->
                assertThat(request).containsEntry("authorization", "Bearer " + token));
    }

    @Test
    void aKeycloakTokenIsRefusedOnTheRouteThatAcceptsOnlyBulwarksOwnTokens() throws Exception {
        String token = keycloakToken(KC_KEY_1, KC_KEY_1.getKeyID(), KEYCLOAK, Map.of());

        assertRefused(client.get("/own/orders", token));

        assertThat(received).as("a token of the wrong issuer reached the backend").isEmpty();
        assertThat(events.reasons()).containsExactly(Reason.TOKEN_INVALID);
    }

    @Test
    void aBulwarkTokenIsRefusedOnTheRouteThatAcceptsOnlyTheExternalIssuer() throws Exception {
        String email = "own-" + UUID.randomUUID() + "@example.com";
        Identity identity = gateway.auth().map(AuthServices::identity).orElseThrow();
        assertThat(identity.createUser(email, PASSWORD, Set.of("customer"), Set.of()).toCompletableFuture().join())
                .isInstanceOf(Identity.CreateOutcome.Created.class);
        String own = client.login(email, PASSWORD).get("accessToken").asText();

        assertRefused(client.get("/ext/orders", own));
        assertThat(received).isEmpty();

        assertThat(client.get("/own/orders", own).statusCode()).isEqualTo(200);
        assertThat(client.get("/any/orders", own).statusCode()).isEqualTo(200);
        assertThat(upstreamPaths()).containsExactly("/own/orders", "/any/orders");
    }

    @Test
    void aTokenFromAnIssuerNobodyConfiguredIsRefusedOnEveryRouteAndCostsTheProviderNothing() throws Exception {
        int fetches = provider.fetches();
        // Signed with the provider's real key and kid: only the issuer is wrong.
        String foreign = keycloakToken(KC_KEY_1, KC_KEY_1.getKeyID(), "https://evil.example/realms/shop", Map.of());
        String nearMiss = keycloakToken(KC_KEY_1, KC_KEY_1.getKeyID(), KEYCLOAK + "/", Map.of());

        for (String token : List.of(foreign, nearMiss)) {
            for (String route : List.of("/ext/orders", "/own/orders", "/any/orders")) {
                assertRefused(client.get(route, token));
            }
        }

        assertThat(received).isEmpty();
        assertThat(provider.fetches()).isEqualTo(fetches);
    }

    @Test
    void aTokenSignedByAnUnknownRsaKeyUnderTheProvidersKidIsRefusedWithoutAFetch() throws Exception {
        int fetches = provider.fetches();
        RSAKey forger = rsa(KC_KEY_1.getKeyID());
        String forged = keycloakToken(forger, KC_KEY_1.getKeyID(), KEYCLOAK,
                Map.of("realm_access", Map.of("roles", List.of("shop-admin", "realm-admin"))));

        assertRefused(client.get("/ext/orders", forged));
        assertRefused(client.get("/any/orders", forged));

        assertThat(received).isEmpty();
        assertThat(provider.fetches()).as("a known kid must not make the gateway refetch").isEqualTo(fetches);
    }

    @Test
    void rolesAreReadFromTheConfiguredRealmAccessRolesPath() throws Exception {
        // A top-level "roles" of the wrong type is ignored: only realm_access.roles is read...
        String topLevel = keycloakToken(KC_KEY_1, KC_KEY_1.getKeyID(), KEYCLOAK, Map.of("roles", 42));
        assertThat(client.get("/ext/orders", topLevel).statusCode()).isEqualTo(200);

        // ...and a realm_access.roles that is not a list of strings makes the token malformed.
        String badRoles = keycloakToken(KC_KEY_1, KC_KEY_1.getKeyID(), KEYCLOAK,
                Map.of("realm_access", Map.of("roles", 42)));
        assertRefused(client.get("/ext/orders", badRoles));
        assertThat(upstreamPaths()).containsExactly("/ext/orders");
    }

    @Test
    void aKeyRotatedInAtTheProviderVerifiesAfterTheBoundedRefetch() throws Exception {
        // Past the refetch rate limit, whatever earlier tests did.
        clock.advance(ExternalIssuerConfig.DEFAULT_MIN_REFETCH_INTERVAL.plusSeconds(1));
        // Like Keycloak: the new key is published next to the old one and signs from now on.
        provider.publish(KC_KEY_2, KC_KEY_1);
        int fetches = provider.fetches();
        String rotated = keycloakToken(KC_KEY_2, KC_KEY_2.getKeyID(), KEYCLOAK, Map.of());

        // By design the first request with the new kid may be refused: verification never waits on the network.
        // The refusal starts one background refetch; a retry shortly after finds the key.
        HttpResponse<String> first = client.get("/ext/orders", rotated);
        assertThat(first.statusCode()).isIn(200, 401);
        if (first.statusCode() == 401) {
            assertRefused(first);
        }
        HttpResponse<String> retry = first;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (retry.statusCode() != 200 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            retry = client.get("/ext/orders", rotated);
        }

        assertThat(retry.statusCode()).as("the rotated key after the refetch: " + retry.body()).isEqualTo(200);
        assertThat(provider.fetches()).as("retries share one rate-limited refetch").isEqualTo(fetches + 1);
        assertThat(client.get("/ext/orders", keycloakToken(KC_KEY_1, KC_KEY_1.getKeyID(), KEYCLOAK, Map.of()))
                .statusCode()).as("the old key is still published").isEqualTo(200);
    }

    @Test
    void tokensSignedWithCachedKeysStillPassWhileTheJwksServerIsDown() throws Exception {
        FakeClock ownClock = new FakeClock();
        try (JwksProvider down = JwksProvider.start(KC_KEY_1);
             Gateway isolated = Gateway.start(config(down, upstream.actualPort()),
                     GatewayOptions.defaults().withClock(ownClock).withEventLoops(1))) {
            AuthClient isolatedClient = new AuthClient(isolated);
            JwksSource keys = jwksSource(isolated);
            assertThat(keys.keyCount()).isEqualTo(1);

            down.close();
            // The keys are due for a refresh; the request starts it and is answered from the cache.
            ownClock.advance(ExternalIssuerConfig.DEFAULT_REFRESH_INTERVAL.plusMinutes(1));
            String during = keycloakToken(KC_KEY_1, KC_KEY_1.getKeyID(), KEYCLOAK, Map.of(), ownClock);
            assertThat(isolatedClient.get("/ext/orders", during).statusCode()).isEqualTo(200);

            // Joins that refresh (or fetches again): it fails, and the cached key stays.
            assertThat(keys.refresh().get(10, TimeUnit.SECONDS)).as("a fetch from a stopped server").isFalse();
            assertThat(keys.keyCount()).isEqualTo(1);
            String after = keycloakToken(KC_KEY_1, KC_KEY_1.getKeyID(), KEYCLOAK, Map.of(), ownClock);
            assertThat(isolatedClient.get("/ext/orders", after).statusCode()).isEqualTo(200);
            assertThat(isolatedClient.get("/any/orders", after).statusCode()).isEqualTo(200);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static void assertRefused(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly(INVALID_CHALLENGE);
        JsonNode problem = AuthClient.json(response);
        assertThat(problem.get("type").asText()).isEqualTo(Reason.TOKEN_INVALID.type());
    }

    private static List<String> upstreamPaths() {
        List<String> paths = new ArrayList<>();
        received.forEach(request -> paths.add(request.get("path")));
        return paths;
    }

    private static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String keycloakToken(RSAKey signer, String kid, String issuer, Map<String, Object> extra) {
        return keycloakToken(signer, kid, issuer, extra, clock);
    }

    /** @return an access token shaped like one Keycloak issues for the {@code shop-frontend} client */
    private static String keycloakToken(RSAKey signer, String kid, String issuer, Map<String, Object> extra,
                                        FakeClock at) {
        Date now = Date.from(at.instant());
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .expirationTime(Date.from(at.instant().plusSeconds(300)))
                .issueTime(now)
                .jwtID(UUID.randomUUID().toString())
                .issuer(issuer)
                .audience(List.of("realm-management", KEYCLOAK_AUDIENCE))
                .subject(UUID.randomUUID().toString())
                .claim("typ", "Bearer")
                .claim("azp", "shop-frontend")
                .claim("sid", UUID.randomUUID().toString())
                .claim("acr", "1")
                .claim("realm_access", Map.of("roles", List.of("offline_access", "uma_authorization", "shop-admin")))
                .claim("resource_access", Map.of("account", Map.of("roles", List.of("manage-account"))))
                .claim("scope", "openid email profile")
                .claim("email_verified", true)
                .claim("preferred_username", "alice");
        extra.forEach(claims::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(kid)
                .build(), claims.build());
        try {
            jwt.sign(new RSASSASigner(signer));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** The gateway's JWKS source for the provider, so the outage test can wait on its own fetch future. */
    private static JwksSource jwksSource(Gateway of) {
        return of.auth().orElseThrow().externalIssuers().stream()
                .filter(external -> external.issuer().equals(KEYCLOAK)).findFirst().orElseThrow().keys();
    }

    /**
     * A loopback stand-in for Keycloak's {@code /protocol/openid-connect/certs}: serves the public halves of the
     * published signing keys plus an encryption key (which must be ignored), and counts fetches.
     */
    static final class JwksProvider implements AutoCloseable {

        private static final String PATH = "/realms/shop/protocol/openid-connect/certs";
        private static final RSAKey ENCRYPTION_KEY = encryptionKey();

        private final HttpServer server;
        private final AtomicReference<String> body = new AtomicReference<>();
        private final AtomicInteger fetches = new AtomicInteger();
        private final AtomicBoolean stopped = new AtomicBoolean();

        private JwksProvider(HttpServer server) {
            this.server = server;
        }

        static JwksProvider start(RSAKey... keys) throws Exception {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            JwksProvider provider = new JwksProvider(server);
            provider.publish(keys);
            server.createContext(PATH, exchange -> {
                provider.fetches.incrementAndGet();
                byte[] json = provider.body.get().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, json.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(json);
                }
            });
            server.start();
            return provider;
        }

        /** Replaces the published keys (public halves only), keeping the encryption key last. */
        void publish(RSAKey... keys) {
            List<JWK> published = new ArrayList<>();
            for (RSAKey key : keys) {
                published.add(key.toPublicJWK());
            }
            published.add(ENCRYPTION_KEY.toPublicJWK());
            body.set(new JWKSet(published).toString(true));
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
        }

        int fetches() {
            return fetches.get();
        }

        /** Stops the server (once): later fetches get connection refused. */
        @Override
        public void close() {
            if (stopped.compareAndSet(false, true)) {
                server.stop(0);
            }
        }

        private static RSAKey encryptionKey() {
            try {
                return new RSAKeyGenerator(2048).keyID("kc-enc-2025-01").keyUse(KeyUse.ENCRYPTION)
                        .algorithm(JWEAlgorithm.RSA_OAEP_256).generate();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
