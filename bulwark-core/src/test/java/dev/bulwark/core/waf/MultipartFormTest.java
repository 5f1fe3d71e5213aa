package dev.bulwark.core.waf;

import dev.bulwark.core.waf.MultipartForm.MalformedException;
import dev.bulwark.core.waf.MultipartForm.Part;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strict multipart/form-data parser on well-formed bodies and on the shapes lenient parsers read otherwise. */
class MultipartFormTest {

    private static final String BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    private static final String TYPE = "multipart/form-data; boundary=" + BOUNDARY;

    /** @return the lines joined by CRLF (a line may itself hold CR or LF) */
    private static byte[] crlf(String... lines) {
        return String.join("\r\n", lines).getBytes(StandardCharsets.UTF_8);
    }

    private static List<Part> parse(String contentType, byte[] body) throws MalformedException {
        return MultipartForm.parse(contentType, body).parts();
    }

    private static void assertMalformed(String contentType, byte[] body, String message) {
        assertThatThrownBy(() -> MultipartForm.parse(contentType, body))
                .isInstanceOf(MalformedException.class).hasMessageContaining(message);
    }

    @Test
    void fieldsAndFilesAreReadInOrderWithTheirNamesFilenamesAndValues() throws Exception {
        byte[] body = crlf("--" + BOUNDARY,
                "Content-Disposition: form-data; name=\"title\"",
                "",
                "Holiday photos",
                "--" + BOUNDARY,
                "Content-Disposition: form-data; name=\"photo\"; filename=\"beach.png\"",
                "Content-Type: image/png",
                "",
                "\u0089PNG binary",
                "--" + BOUNDARY,
                "content-disposition: FORM-DATA; NAME=note",
                "content-type: text/plain; charset=UTF-8",
                "",
                "first line\r\nsecond line, café",
                "--" + BOUNDARY + "--",
                "");

        assertThat(parse(TYPE, body)).containsExactly(
                new Part("title", null, "Holiday photos"),
                new Part("photo", "beach.png", null),
                new Part("note", null, "first line\r\nsecond line, café"));
    }

    @Test
    void inAnotherMultipartTypeTheFormDataPartsAreReadAndTheOthersLeftOpaque() throws Exception {
        // Commons FileUpload (and Spring on it) reads the form-data parts of any multipart/* body as a form.
        byte[] body = crlf("--" + BOUNDARY,
                "Content-Type: application/xop+xml; charset=UTF-8",
                "Content-Transfer-Encoding: base64",
                "",
                "PHNvYXA+PC9zb2FwPg==",
                "--" + BOUNDARY,
                "Content-Disposition: form-data; name=\"id\"",
                "",
                "1' OR '1'='1",
                "--" + BOUNDARY,
                "Content-Type: multipart/alternative; boundary=inner",
                "",
                "opaque, even when it is itself multipart",
                "--" + BOUNDARY + "--",
                "");

        assertThat(parse("multipart/mixed; boundary=" + BOUNDARY, body))
                .containsExactly(new Part("id", null, "1' OR '1'='1"));
        assertThat(parse("Multipart/Related; type=\"application/xop+xml\"; boundary=" + BOUNDARY, body))
                .containsExactly(new Part("id", null, "1' OR '1'='1"));
        assertThat(parse("multipart/x-anything; boundary=" + BOUNDARY, body)).hasSize(1);
    }

    @Test
    void inAnotherMultipartTypeAFormDataPartAndTheFramingFollowEveryRule() {
        String mixed = "multipart/mixed; boundary=" + BOUNDARY;
        assertMalformed(mixed, crlf("--" + BOUNDARY, "Content-Disposition: form-data; name=\"id\"",
                "Content-Transfer-Encoding: base64", "", "MScgT1IgJzEnPScx", "--" + BOUNDARY + "--", ""),
                "content-transfer-encoding");
        assertMalformed(mixed, crlf("--" + BOUNDARY, "Content-Disposition: form-data", "", "x",
                "--" + BOUNDARY + "--", ""), "has no name");
        assertMalformed(mixed, ("--" + BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\nx\n--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n1' OR '1'='1\r\n--" + BOUNDARY
                + "--\r\n").getBytes(StandardCharsets.UTF_8), "does not follow a crlf");
        assertMalformed(mixed, crlf("--" + BOUNDARY, "Content-Type text/plain", "", "x", "--" + BOUNDARY + "--", ""),
                "has no colon");
        assertMalformed("multipart/; boundary=" + BOUNDARY, crlf("--" + BOUNDARY + "--", ""), "not multipart");
        assertMalformed("text/plain; boundary=" + BOUNDARY, crlf("--" + BOUNDARY + "--", ""), "not multipart");
    }

    @Test
    void mangledBodiesAndContentTypesAreReadOrRefusedButNeverBreakTheParser() {
        byte[] valid = crlf("preamble", "--" + BOUNDARY,
                "Content-Disposition: form-data; name=\"title\"; filename=\"a b.txt\"",
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: 8bit",
                "",
                "Holiday \"photos\"; ok",
                "--" + BOUNDARY,
                "Content-Disposition: form-data; name=_charset_",
                "",
                "utf-8",
                "--" + BOUNDARY + "--",
                "epilogue");
        String[] types = {TYPE, "multipart/mixed; boundary=\"" + BOUNDARY + "\"", "multipart/form-data; boundary=",
                "multipart/form-data; boundary=\"unterminated", "multipart/form-data;;boundary=x", "multipart/",
                "multipart/form-data; boundary=" + BOUNDARY + "; boundary=" + BOUNDARY, ";", ""};
        byte[] alphabet = "-\r\n\";=:; \\abc\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        java.util.Random random = new java.util.Random(20261123);
        for (int round = 0; round < 20_000; round++) {
            byte[] body = valid.clone();
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(body.length);
                switch (random.nextInt(3)) {
                    case 0 -> body[at] = alphabet[random.nextInt(alphabet.length)];
                    case 1 -> body = java.util.Arrays.copyOf(body, at);
                    default -> {
                        byte[] longer = new byte[body.length + 1];
                        System.arraycopy(body, 0, longer, 0, at);
                        longer[at] = alphabet[random.nextInt(alphabet.length)];
                        System.arraycopy(body, at, longer, at + 1, body.length - at);
                        body = longer;
                    }
                }
                if (body.length == 0) {
                    break;
                }
            }
            String type = types[random.nextInt(types.length)];
            byte[] mangled = body;
            try {
                MultipartForm.parse(type, mangled);
            } catch (MalformedException refused) {
                assertThat(refused.getMessage()).isNotBlank();
            } catch (RuntimeException broken) {
                throw new AssertionError("round " + round + ", " + type + ": "
                        + new String(mangled, StandardCharsets.ISO_8859_1), broken);
            }
        }
    }

    @Test
    void aQuotedBoundaryMayHoldSpacesAndPunctuation() throws Exception {
        String boundary = "simple boundary:'(),+_./=?";
        byte[] body = crlf("--" + boundary, "Content-Disposition: form-data; name=a", "", "1",
                "--" + boundary + "--");

        assertThat(parse("Multipart/Form-Data ; charset=utf-8;Boundary=\"" + boundary + "\"", body))
                .containsExactly(new Part("a", null, "1"));
    }

    @Test
    void aPreambleAndAnEpilogueAreIgnored() throws Exception {
        // RFC 2046 §5.1.1's example: text before the first delimiter and after the closing one.
        byte[] body = crlf("This is the preamble.  It is to be ignored, though it",
                "is a handy place for composition agents to include an explanatory note.",
                "--" + BOUNDARY,
                "Content-Disposition: form-data; name=\"a\"",
                "",
                "value",
                "--" + BOUNDARY + "--",
                "This is the epilogue.  It is also to be ignored.");

        assertThat(parse(TYPE, body)).containsExactly(new Part("a", null, "value"));
    }

    @Test
    void emptyFieldsNamesAndFilenamesAreReadAsEmpty() throws Exception {
        byte[] body = crlf("--" + BOUNDARY,
                "Content-Disposition: form-data; name=\"comment\"",
                "",
                "",
                "--" + BOUNDARY,
                "Content-Disposition: form-data; name=\"\"",
                "",
                "x",
                "--" + BOUNDARY,
                "Content-Disposition: form-data; name=\"upload\"; filename=\"\"",
                "Content-Type: application/octet-stream",
                "",
                "",
                "--" + BOUNDARY + "--");

        assertThat(parse(TYPE, body)).containsExactly(new Part("comment", null, ""), new Part("", null, "x"),
                new Part("upload", "", null));
    }

    @Test
    void aBodyThatOnlyClosesAndAnEmptyBodyHaveNoParts() throws Exception {
        assertThat(parse(TYPE, crlf("--" + BOUNDARY + "--", ""))).isEmpty();
        assertThat(parse(TYPE, new byte[0])).isEmpty();
    }

    @Test
    void aFileMayHoldAnyBytesButTheDelimiter() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(crlf("--" + BOUNDARY, "Content-Disposition: form-data; name=\"f\"; filename=\"x.bin\"", "",
                ""));
        // CR, LF, bare dashes, a shorter dash run, NUL and high bytes: all content, no delimiter.
        body.writeBytes(new byte[] {0, (byte) 0xff, '\r', '\n', '-', '-', '\r', '\n', '-', '-', '-', '\n', '\r'});
        body.writeBytes(crlf("", "--" + BOUNDARY, "Content-Disposition: form-data; name=\"after\"", "", "ok",
                "--" + BOUNDARY + "--"));

        assertThat(parse(TYPE, body.toByteArray())).containsExactly(new Part("f", "x.bin", null),
                new Part("after", null, "ok"));
    }

    @Test
    void aBoundaryOfSeventyCharactersIsTheLongestAllowed() throws Exception {
        String longest = "b".repeat(70);
        assertThat(parse("multipart/form-data; boundary=" + longest, crlf("--" + longest, "Content-Disposition:"
                + " form-data; name=a", "", "1", "--" + longest + "--"))).hasSize(1);
        assertMalformed("multipart/form-data; boundary=" + "b".repeat(71), crlf("--" + "b".repeat(71) + "--"),
                "71 characters");
    }

    @Test
    void theBoundaryMustBeGivenOnceAndHoldOnlyWhatRfc2046Allows() {
        byte[] body = crlf("--a--");
        assertMalformed("multipart/form-data", body, "no boundary");
        assertMalformed("multipart/form-data; charset=utf-8", body, "no boundary");
        assertMalformed("multipart/form-data; boundary=\"\"", body, "empty");
        assertMalformed("multipart/form-data; boundary=", body, "do not parse");
        assertMalformed("multipart/form-data; boundary=a; boundary=b", body, "twice");
        assertMalformed("multipart/form-data; boundary=a; BOUNDARY=a", body, "twice");
        assertMalformed("multipart/form-data; boundary = a", body, "do not parse");
        assertMalformed("multipart/form-data; boundary=\"a@b\"", body, "does not allow");
        assertMalformed("multipart/form-data; boundary=\"a \"", body, "ends in a space");
        assertMalformed("multipart/form-data; boundary=\"a\\\"b\"", body, "backslash");
        assertMalformed("multipart/form-data; boundary=\"ab", body, "unterminated");
        assertMalformed("multipart/form-data; boundary=a b", body, "do not parse");
        assertMalformed("multipart/form-data, boundary=a", body, "not multipart");
    }

    @Test
    void aDelimiterAfterABareLfIsRefusedNotSkipped() {
        // A parser accepting LF line breaks would see a second part holding the payload; so the whole body goes.
        assertMalformed(TYPE, crlf("--" + BOUNDARY, "Content-Disposition: form-data; name=\"f\"; filename=\"a\"", "",
                "x\n--" + BOUNDARY, "Content-Disposition: form-data; name=\"id\"", "", "1' OR '1'='1",
                "--" + BOUNDARY + "--"), "does not follow a crlf");
        assertMalformed(TYPE, ("--" + BOUNDARY + "\nContent-Disposition: form-data; name=a\n\n1\n--" + BOUNDARY
                + "--\n").getBytes(StandardCharsets.UTF_8), "neither a crlf nor --");
        assertMalformed(TYPE, crlf("preamble\n--" + BOUNDARY, "Content-Disposition: form-data; name=a", "", "1",
                "--" + BOUNDARY + "--"), "first boundary delimiter does not follow a crlf");
    }

    @Test
    void theBoundaryMayNotAppearAnywhereButInADelimiter() {
        String part = "Content-Disposition: form-data; name=\"f\"; filename=\"a\"";
        assertMalformed(TYPE, crlf("--" + BOUNDARY, part, "", "x--" + BOUNDARY + "y", "--" + BOUNDARY + "--"),
                "does not follow a crlf");
        assertMalformed(TYPE, crlf("--" + BOUNDARY, part, "", "x", "--" + BOUNDARY + "xyz", "--" + BOUNDARY + "--"),
                "neither a crlf nor --");
        assertMalformed(TYPE, crlf("--" + BOUNDARY, part, "", "x", "--" + BOUNDARY + " ", part, "", "y",
                "--" + BOUNDARY + "--"), "neither a crlf nor --");
        assertMalformed(TYPE, crlf("--" + BOUNDARY, part, "", "x", "--" + BOUNDARY + "--", "epilogue",
                "--" + BOUNDARY, part, "", "y", "--" + BOUNDARY + "--"), "after the closing delimiter");
        assertMalformed(TYPE, crlf("--" + BOUNDARY, part, "", "x", "--" + BOUNDARY + "-- "),
                "followed by more than a crlf");
    }

    @Test
    void theClosingDelimiterMustBeThere() {
        String part = "Content-Disposition: form-data; name=\"a\"";
        assertMalformed(TYPE, crlf("--" + BOUNDARY, part, "", "x"), "no closing delimiter");
        assertMalformed(TYPE, crlf("--" + BOUNDARY, part, "", "x", "--" + BOUNDARY), "no closing delimiter");
        assertMalformed(TYPE, crlf("--" + BOUNDARY, part, "", "x", "--" + BOUNDARY, ""), "no closing delimiter");
        assertMalformed(TYPE, crlf("no delimiter at all"), "no boundary delimiter");
    }

    @Test
    void partHeadersMustBeWellFormed() {
        String close = "--" + BOUNDARY + "--";
        String open = "--" + BOUNDARY;
        assertMalformed(TYPE, crlf(open, "Content-Disposition form-data; name=a", "", "1", close), "no colon");
        assertMalformed(TYPE, crlf(open, "Content-Disposition : form-data; name=a", "", "1", close),
                "not a token");
        assertMalformed(TYPE, crlf(open, "Content-Disposition: form-data;", " name=a", "", "1", close),
                "obsolete line folding");
        assertMalformed(TYPE, crlf(open, "Content-Disposition: form-data; name=a\nX-A: b", "", "1", close),
                "bare lf");
        assertMalformed(TYPE, crlf(open, "Content-Disposition: form-data; name=a\rX-A: b", "", "1", close),
                "bare cr");
        assertMalformed(TYPE, crlf(open, "Content-Disposition: form-data; name=\"a\u0000b\"", "", "1", close),
                "control character");
        assertMalformed(TYPE, crlf(open, "Content-Disposition: form-data; name=a", "--" + BOUNDARY + "--"),
                "do not end with a blank line");
        assertMalformed(TYPE, crlf(open, open, "Content-Disposition: form-data; name=a", "", "1", close),
                "part 1 is empty");
        assertMalformed(TYPE, crlf(open, "Content-Disposition: form-data; name=a",
                "Content-Disposition: form-data; name=b", "", "1", close), "twice");
        assertMalformed(TYPE, crlf(open, "Content-Disposition: form-data; name=a", "Content-Type: text/plain",
                "content-type: text/html", "", "1", close), "twice");
    }

    @Test
    void everyPartNeedsAFormDataDispositionWithOneName() {
        String close = "--" + BOUNDARY + "--";
        String open = "--" + BOUNDARY;
        assertMalformed(TYPE, crlf(open, "Content-Type: text/plain", "", "1", close), "no content-disposition");
        assertMalformed(TYPE, crlf(open, "Content-Disposition: attachment; name=a", "", "1", close),
                "not form-data");
        assertMalformed(TYPE, crlf(open, "Content-Disposition: form-data; filename=a.txt", "", "1", close),
                "no name");
        assertMalformed(TYPE, crlf(open, "Content-Disposition: form-data; name=\"a\"; name=\"b\"", "", "1", close),
                "twice");
        assertMalformed(TYPE, crlf(open, "Content-Disposition: form-data; name=\"a\\\"; name=\\\"id\"", "", "1",
                close), "backslash");
        assertMalformed(TYPE, crlf(open, "Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''%2e%2e",
                "", "1", close), "filename*");
        assertMalformed(TYPE, crlf(open, "Content-Disposition: form-data; name*=UTF-8''id", "", "1", close),
                "name*");
        assertMalformed(TYPE, crlf(open, "Content-Disposition: form-data; name=\"a\" x", "", "1", close),
                "do not parse");
    }

    @Test
    void encodingsAndCharsetsABackendWouldDecodeDifferentlyAreRefused() throws Exception {
        String close = "--" + BOUNDARY + "--";
        String open = "--" + BOUNDARY;
        String field = "Content-Disposition: form-data; name=\"id\"";
        assertMalformed(TYPE, crlf(open, field, "Content-Transfer-Encoding: base64", "", "JyBPUiAnMSc9JzE=", close),
                "content-transfer-encoding");
        assertMalformed(TYPE, crlf(open, field, "Content-Transfer-Encoding: quoted-printable", "", "=27", close),
                "content-transfer-encoding");
        assertMalformed(TYPE, crlf(open, field, "Content-Type: text/plain; charset=utf-16", "", "x", close),
                "charset");
        assertMalformed(TYPE, crlf(open, "Content-Disposition: form-data; name=\"_charset_\"", "", "UTF-7", close),
                "charset");
        assertMalformed(TYPE, crlf(open, field, "Content-Type: multipart/mixed; boundary=inner", "", "x", close),
                "itself multipart");
        assertMalformed(TYPE, crlf(open, field, "Content-Type: text", "", "x", close), "not a media type");

        assertThat(parse(TYPE, crlf(open, field, "Content-Transfer-Encoding: 8BIT",
                "Content-Type: text/plain; charset=\"ISO-8859-1\"", "", "1", open,
                "Content-Disposition: form-data; name=\"_charset_\"", "", "UTF-8", open,
                "Content-Disposition: form-data; name=\"f\"; filename=\"a.txt\"",
                "Content-Type: text/plain; charset=utf-16", "", "\u0000a", close))).hasSize(3);
    }

    @Test
    void aThousandPartsAreReadAndOneMoreIsRefused() throws Exception {
        assertThat(parse(TYPE, parts(MultipartForm.MAX_PARTS))).hasSize(MultipartForm.MAX_PARTS);
        assertMalformed(TYPE, parts(MultipartForm.MAX_PARTS + 1), "more than 1000 parts");
    }

    static byte[] parts(int count) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < count; i++) {
            body.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"f").append(i)
                    .append("\"\r\n\r\nv\r\n");
        }
        return body.append("--").append(BOUNDARY).append("--\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aBodyBuiltAgainstNaiveBoundarySearchIsStillReadInLinearTime() throws Exception {
        // A boundary of dashes and content of near-boundaries: a search that backtracks compares ~70 bytes per byte.
        String boundary = "-".repeat(69) + "x";
        String content = ("-".repeat(69) + "y").repeat(15_000);
        byte[] body = crlf("--" + boundary, "Content-Disposition: form-data; name=\"f\"; filename=\"a\"", "", content,
                "--" + boundary + "--");
        String type = "multipart/form-data; boundary=" + boundary;
        parse(type, body);

        long started = System.nanoTime();
        List<Part> parts = parse(type, body);
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(parts).containsExactly(new Part("f", "a", null));
        assertThat(millis).as("parsing a 1 MB body, in ms").isLessThan(500);
    }
}
