package dev.bulwark.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.api.Problem;
import dev.bulwark.api.Reason;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthCookies;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.auth.identity.Identity;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.GatewayOptions;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.RecordingEventSink;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cookie mode over HTTP through a real gateway: the {@code __Host-} cookies login sets, the CSRF checks on
 * cookie-authenticated unsafe requests (Origin or Referer, and a session-bound token echoed in a header), refresh
 * and logout with cookies, and that nothing refused ever reaches the upstream.
 */
class CookieModeTest {

    static final String PASSWORD = "sEcReT-cookie-mode-passphrase-31";
    static final String TRUSTED_ORIGIN = "https://app.example.com";
    private static final String CSRF_REJECTED = "urn:bulwark:problem:csrf-rejected";

    private static final FakeClock clock = new FakeClock();
    private static final RecordingEventSink events = new RecordingEventSink();
    private static final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private static Vertx vertx;
    private static HttpServer upstream;
    private static Gateway gateway;
    private static AuthClient client;
    /** The gateway's own origin as a browser on it would send it. */
    private static String ownOrigin;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer().requestHandler(request -> {
            received.add(request.method().name() + " " + request.path()
                    + (request.path().startsWith("/api/withheld") ? " cookie=" + request.getHeader("Cookie") : ""));
            request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        gateway = Gateway.start(AuthFlowTest.config(AuthConfig.builder().hashing(AuthFlowTest.FAST_HASHING)
                        .cookies(new AuthConfig.CookieConfig(true, "Strict", List.of(TRUSTED_ORIGIN))).build(),
                        upstream.actualPort()),
                GatewayOptions.defaults().withClock(clock).withEvents(events).withEventLoops(2));
        client = new AuthClient(gateway);
        ownOrigin = "http://127.0.0.1:" + gateway.port();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void reset() {
        events.clear();
        received.clear();
    }

    @Test
    void loginWithCookiesSetsThreeHostPrefixedCookiesAndPutsNoTokenInTheBody() throws Exception {
        HttpResponse<String> login = client.post("/auth/login",
                Map.of("email", newUser(), "password", PASSWORD, "useCookies", true));

        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        assertThat(login.headers().firstValue("Cache-Control")).hasValue("no-store");
        Map<String, SetCookie> cookies = setCookies(login);
        assertThat(cookies).containsOnlyKeys(AuthCookies.ACCESS, AuthCookies.REFRESH, AuthCookies.CSRF);
        for (String name : List.of(AuthCookies.ACCESS, AuthCookies.REFRESH)) {
            SetCookie cookie = cookies.get(name);
            assertThat(cookie.value()).as(name).isNotBlank();
            assertThat(cookie.attributes()).as(name)
                    .contains("Path=/", "Secure", "HttpOnly", "SameSite=Strict")
                    .noneMatch(attribute -> attribute.regionMatches(true, 0, "Domain", 0, 6));
        }
        assertThat(cookies.get(AuthCookies.ACCESS).attributes()).contains("Max-Age=900");
        SetCookie csrf = cookies.get(AuthCookies.CSRF);
        assertThat(csrf.attributes()).as("csrf cookie")
                .contains("Path=/", "Secure", "SameSite=Strict")
                .doesNotContain("HttpOnly")
                .noneMatch(attribute -> attribute.regionMatches(true, 0, "Domain", 0, 6));

        JsonNode body = AuthClient.json(login);
        assertThat(body.get("tokenType").asText()).isEqualTo("Cookie");
        assertThat(body.get("csrfToken").asText()).isEqualTo(csrf.value());
        assertThat(body.get("expiresIn").asLong()).isEqualTo(900);
        assertThat(body.has("accessToken")).as("access token in the body").isFalse();
        assertThat(body.has("refreshToken")).as("refresh token in the body").isFalse();
        assertThat(login.body()).doesNotContain(cookies.get(AuthCookies.ACCESS).value(),
                cookies.get(AuthCookies.REFRESH).value());
    }

    @Test
    void aGetWithOnlyTheAccessCookieReachesTheUpstream() throws Exception {
        Browser browser = login(newUser());

        HttpResponse<String> response = client.send("GET", "/api/products", "Cookie", browser.accessOnly());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("GET /api/products");
    }

    @Test
    void aRouteThatDoesNotForwardTheTokenTakesTheAccessCookieOutAndLeavesTheOthers() throws Exception {
        Browser browser = login(newUser());

        HttpResponse<String> response = client.send("GET", "/api/withheld/products", "Cookie",
                "theme=dark; " + browser.accessOnly() + "; lang=en");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(received.poll(5, TimeUnit.SECONDS))
                .isEqualTo("GET /api/withheld/products cookie=theme=dark; lang=en");
    }

    @Test
    void anUnsafeRequestWithTheCookieButNoCsrfHeaderIsRefusedAndNeverReachesTheUpstream() throws Exception {
        Browser browser = login(newUser());

        HttpResponse<String> refused = client.send("POST", "/api/orders", "Cookie", browser.cookieHeader(),
                "Origin", ownOrigin);

        assertCsrfRejected(refused);
        assertThat(events.reasons()).contains(Reason.CSRF_REJECTED);
    }

    @Test
    void aCsrfHeaderThatDoesNotMatchTheCookieIsRefused() throws Exception {
        Browser browser = login(newUser());
        // A genuine token of the same session, just not the one in the cookie.
        HttpResponse<String> fresh = client.send("GET", "/auth/csrf", "Cookie", browser.accessOnly());
        String otherToken = AuthClient.json(fresh).get("csrfToken").asText();
        assertThat(otherToken).isNotEqualTo(browser.csrfToken());

        assertCsrfRejected(client.send("POST", "/api/orders", "Cookie", browser.cookieHeader(),
                "Origin", ownOrigin, AuthCookies.CSRF_HEADER, otherToken));
        assertCsrfRejected(client.send("POST", "/api/orders", "Cookie", browser.cookieHeader(),
                "Origin", ownOrigin, AuthCookies.CSRF_HEADER, "not-a-token"));
    }

    @Test
    void aCsrfTokenFromAnotherSessionIsRefusedEvenWhenHeaderAndCookieAgree() throws Exception {
        Browser victim = login(newUser());
        Browser attacker = login(newUser());
        // The attacker plants their own (valid) token as the victim's CSRF cookie and sends it in the header.
        String planted = AuthCookies.ACCESS + "=" + victim.access() + "; " + AuthCookies.CSRF + "="
                + attacker.csrfToken();

        HttpResponse<String> refused = client.send("POST", "/api/orders", "Cookie", planted, "Origin", ownOrigin,
                AuthCookies.CSRF_HEADER, attacker.csrfToken());

        assertCsrfRejected(refused);
    }

    @Test
    void aCrossOriginRequestIsRefusedEvenWithAMatchingCsrfToken() throws Exception {
        Browser browser = login(newUser());

        assertCsrfRejected(client.send("POST", "/api/orders", "Cookie", browser.cookieHeader(),
                AuthCookies.CSRF_HEADER, browser.csrfToken(), "Origin", "https://evil.example"));
        assertCsrfRejected(client.send("POST", "/api/orders", "Cookie", browser.cookieHeader(),
                AuthCookies.CSRF_HEADER, browser.csrfToken(), "Referer", "https://evil.example/page"));
        assertCsrfRejected(client.send("POST", "/api/orders", "Cookie", browser.cookieHeader(),
                AuthCookies.CSRF_HEADER, browser.csrfToken(), "Origin", "https://127.0.0.1:" + gateway.port()));
    }

    @Test
    void anUnsafeCookieRequestWithNeitherOriginNorRefererIsRefused() throws Exception {
        Browser browser = login(newUser());

        assertCsrfRejected(client.send("POST", "/api/orders", "Cookie", browser.cookieHeader(),
                AuthCookies.CSRF_HEADER, browser.csrfToken()));
    }

    @Test
    void aSameOriginRequestWithAMatchingCsrfTokenReachesTheUpstream() throws Exception {
        Browser browser = login(newUser());

        HttpResponse<String> byOrigin = client.send("POST", "/api/orders", "Cookie", browser.cookieHeader(),
                "Origin", ownOrigin, AuthCookies.CSRF_HEADER, browser.csrfToken());
        assertThat(byOrigin.statusCode()).as(byOrigin.body()).isEqualTo(200);
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("POST /api/orders");

        HttpResponse<String> byReferer = client.send("DELETE", "/api/orders/7", "Cookie", browser.cookieHeader(),
                "Referer", ownOrigin + "/shop/cart?step=2", AuthCookies.CSRF_HEADER, browser.csrfToken());
        assertThat(byReferer.statusCode()).as("a same-origin referer stands in for a missing origin")
                .isEqualTo(200);
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("DELETE /api/orders/7");
    }

    @Test
    void aTrustedOriginMayMakeCookieAuthenticatedUnsafeRequests() throws Exception {
        Browser browser = login(newUser());

        HttpResponse<String> response = client.send("PUT", "/api/profile", "Cookie", browser.cookieHeader(),
                "Origin", TRUSTED_ORIGIN, AuthCookies.CSRF_HEADER, browser.csrfToken());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("PUT /api/profile");
    }

    @Test
    void aBearerAuthenticatedPostNeedsNoCsrfToken() throws Exception {
        String access = client.login(newUser(), PASSWORD).get("accessToken").asText();

        HttpResponse<String> response = client.send("POST", "/api/orders", "Authorization", "Bearer " + access);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("POST /api/orders");
    }

    @Test
    void refreshWithOnlyTheRefreshCookieNeedsAValidCsrfHeaderAndIssuesNewCookies() throws Exception {
        Browser browser = login(newUser());
        String refreshOnly = AuthCookies.REFRESH + "=" + browser.refresh() + "; " + AuthCookies.CSRF + "="
                + browser.csrfToken();

        HttpResponse<String> withoutHeader = client.send("POST", "/auth/refresh", "Cookie", refreshOnly,
                "Origin", ownOrigin);
        assertThat(withoutHeader.statusCode()).isEqualTo(403);
        assertThat(AuthClient.json(withoutHeader).get("type").asText()).isEqualTo(CSRF_REJECTED);
        assertThat(withoutHeader.headers().allValues("Set-Cookie")).isEmpty();

        HttpResponse<String> refreshed = client.send("POST", "/auth/refresh", "Cookie", refreshOnly,
                "Origin", ownOrigin, AuthCookies.CSRF_HEADER, browser.csrfToken());
        assertThat(refreshed.statusCode()).as("the refused attempt did not use up the refresh token: "
                + refreshed.body()).isEqualTo(200);
        assertThat(refreshed.headers().firstValue("Cache-Control")).hasValue("no-store");
        Map<String, SetCookie> cookies = setCookies(refreshed);
        assertThat(cookies).containsOnlyKeys(AuthCookies.ACCESS, AuthCookies.REFRESH, AuthCookies.CSRF);
        assertThat(cookies.get(AuthCookies.REFRESH).value()).isNotEqualTo(browser.refresh());
        JsonNode body = AuthClient.json(refreshed);
        assertThat(body.get("tokenType").asText()).isEqualTo("Cookie");
        assertThat(body.has("accessToken") || body.has("refreshToken")).as("tokens in the body").isFalse();
        assertThat(body.get("csrfToken").asText()).isEqualTo(cookies.get(AuthCookies.CSRF).value());

        Browser next = Browser.of(cookies);
        HttpResponse<String> used = client.send("POST", "/api/orders", "Cookie", next.cookieHeader(),
                "Origin", ownOrigin, AuthCookies.CSRF_HEADER, next.csrfToken());
        assertThat(used.statusCode()).as(used.body()).isEqualTo(200);
    }

    @Test
    void getCsrfIssuesAFreshTokenCookieThatThenWorks() throws Exception {
        Browser browser = login(newUser());

        HttpResponse<String> fresh = client.send("GET", "/auth/csrf", "Cookie", browser.accessOnly());

        assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
        assertThat(fresh.headers().firstValue("Cache-Control")).hasValue("no-store");
        Map<String, SetCookie> cookies = setCookies(fresh);
        assertThat(cookies).containsOnlyKeys(AuthCookies.CSRF);
        SetCookie csrf = cookies.get(AuthCookies.CSRF);
        assertThat(csrf.value()).isEqualTo(AuthClient.json(fresh).get("csrfToken").asText())
                .isNotEqualTo(browser.csrfToken());
        assertThat(csrf.attributes()).contains("Path=/", "Secure", "SameSite=Strict").doesNotContain("HttpOnly");

        String header = AuthCookies.ACCESS + "=" + browser.access() + "; " + AuthCookies.CSRF + "=" + csrf.value();
        HttpResponse<String> used = client.send("PATCH", "/api/profile", "Cookie", header, "Origin", ownOrigin,
                AuthCookies.CSRF_HEADER, csrf.value());
        assertThat(used.statusCode()).as(used.body()).isEqualTo(200);
    }

    @Test
    void logoutWithCookiesClearsThemAndTheAccessCookieIsRefusedAfterwards() throws Exception {
        Browser browser = login(newUser());

        HttpResponse<String> logout = client.send("POST", "/auth/logout", "Cookie", browser.cookieHeader(),
                "Origin", ownOrigin, AuthCookies.CSRF_HEADER, browser.csrfToken());

        assertThat(logout.statusCode()).as(logout.body()).isEqualTo(204);
        Map<String, SetCookie> cleared = setCookies(logout);
        assertThat(cleared).containsOnlyKeys(AuthCookies.ACCESS, AuthCookies.REFRESH, AuthCookies.CSRF);
        for (SetCookie cookie : cleared.values()) {
            assertThat(cookie.value()).as(cookie.name()).isEmpty();
            assertThat(cookie.attributes()).as(cookie.name()).contains("Max-Age=0", "Path=/", "Secure");
        }
        HttpResponse<String> after = client.send("GET", "/api/products", "Cookie", browser.accessOnly());
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.body()).contains("urn:bulwark:problem:token-revoked");
        assertThat(received).as("a logged-out cookie reached the backend").isEmpty();
    }

    @Test
    void aLogoutByCookieWithoutCsrfHeaderIsRefusedAndTheSessionLives() throws Exception {
        Browser browser = login(newUser());

        HttpResponse<String> refused = client.send("POST", "/auth/logout", "Cookie", browser.cookieHeader(),
                "Origin", ownOrigin);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(AuthClient.json(refused).get("type").asText()).isEqualTo(CSRF_REJECTED);
        assertThat(client.send("GET", "/api/products", "Cookie", browser.accessOnly()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void loginWithCookiesIsRefusedAndTheAccessCookieIgnoredWhenCookieModeIsOff() throws Exception {
        try (Gateway plain = Gateway.start(AuthFlowTest.config(AuthConfig.builder()
                        .hashing(AuthFlowTest.FAST_HASHING).build(), upstream.actualPort()),
                GatewayOptions.defaults().withClock(clock).withEventLoops(1))) {
            AuthClient plainClient = new AuthClient(plain);
            String email = newUser(plain);

            HttpResponse<String> refused = plainClient.post("/auth/login",
                    Map.of("email", email, "password", PASSWORD, "useCookies", true));

            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue(Problem.CONTENT_TYPE);
            assertThat(refused.body()).contains("urn:bulwark:problem:invalid-input", "useCookies");
            assertThat(refused.headers().allValues("Set-Cookie")).isEmpty();

            String access = plainClient.login(email, PASSWORD).get("accessToken").asText();
            HttpResponse<String> cookie = plainClient.send("GET", "/api/products", "Cookie",
                    AuthCookies.ACCESS + "=" + access);
            assertThat(cookie.statusCode()).as("the access cookie counts only in cookie mode").isEqualTo(401);
            assertThat(cookie.body()).contains("urn:bulwark:problem:authentication-required");
        }
    }

    /**
     * An origin is scheme, host <em>and port</em> (RFC 6454). Cookies are not isolated by port, so another
     * service on the same host (say a dev server on port 3000) gets the cookies sent with its requests and can
     * read the CSRF cookie; the Origin check, comparing the port too, is the layer that tells it apart.
     */
    @Test
    void anOriginOnAnotherPortOfTheSameHostIsCrossOrigin() throws Exception {
        Browser browser = login(newUser());
        int otherPort = gateway.port() == 3000 ? 3001 : 3000;

        assertCsrfRejected(client.send("POST", "/api/orders", "Cookie", browser.cookieHeader(),
                "Origin", "http://127.0.0.1:" + otherPort, AuthCookies.CSRF_HEADER, browser.csrfToken()));
    }

    // ---- helpers ----

    private static void assertCsrfRejected(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.CONTENT_TYPE);
        assertThat(AuthClient.json(response).get("type").asText()).isEqualTo(CSRF_REJECTED);
        assertThat(received).as("a request refused by the csrf check reached the backend").isEmpty();
    }

    private static String newUser() {
        return newUser(gateway);
    }

    private static String newUser(Gateway on) {
        String email = "cookie-" + UUID.randomUUID() + "@example.com";
        Identity.CreateOutcome created = on.auth().map(AuthServices::identity).orElseThrow()
                .createUser(email, PASSWORD, Set.of("MERCHANT"), Set.of()).toCompletableFuture().join();
        assertThat(created).isInstanceOf(Identity.CreateOutcome.Created.class);
        return email;
    }

    private static Browser login(String email) throws Exception {
        HttpResponse<String> login = client.post("/auth/login",
                Map.of("email", email, "password", PASSWORD, "useCookies", true));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        return Browser.of(setCookies(login));
    }

    /** One {@code Set-Cookie} header: name, value and its attributes as sent (e.g. {@code Max-Age=0}). */
    record SetCookie(String name, String value, List<String> attributes) { }

    static Map<String, SetCookie> setCookies(HttpResponse<String> response) {
        Map<String, SetCookie> cookies = new LinkedHashMap<>();
        for (String header : response.headers().allValues("Set-Cookie")) {
            String[] parts = header.split(";");
            int eq = parts[0].indexOf('=');
            List<String> attributes = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                attributes.add(parts[i].trim());
            }
            String name = parts[0].substring(0, eq).trim();
            assertThat(cookies).as("cookie set twice: " + name).doesNotContainKey(name);
            cookies.put(name, new SetCookie(name, parts[0].substring(eq + 1).trim(), attributes));
        }
        return cookies;
    }

    /** What a browser holds after a cookie login or refresh. */
    record Browser(String access, String refresh, String csrfToken) {

        static Browser of(Map<String, SetCookie> cookies) {
            return new Browser(cookies.get(AuthCookies.ACCESS).value(), cookies.get(AuthCookies.REFRESH).value(),
                    cookies.get(AuthCookies.CSRF).value());
        }

        /** @return the {@code Cookie} header a browser sends to every path: all three cookies */
        String cookieHeader() {
            return AuthCookies.ACCESS + "=" + access + "; " + AuthCookies.REFRESH + "=" + refresh + "; "
                    + AuthCookies.CSRF + "=" + csrfToken;
        }

        String accessOnly() {
            return AuthCookies.ACCESS + "=" + access;
        }
    }
}
