package dev.bulwark.core.waf;

import dev.bulwark.core.edge.MediaTypes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static dev.bulwark.core.edge.HttpTokens.isToken;
import static dev.bulwark.core.edge.HttpTokens.tokenEnd;

/**
 * A {@code multipart/form-data} body (RFC 7578, framed as RFC 2046 §5.1 says), parsed strictly for injection
 * screening: each part's field name, its filename when it is a file, and its value when it is not.
 *
 * <p>Bodies of other multipart types ({@code multipart/mixed}, {@code multipart/related}…) are framed by the same
 * rules, and those of their parts that declare {@code Content-Disposition: form-data} are form parts under every
 * rule below, because some backends (Commons FileUpload, and Spring's multipart resolver on it) read any
 * {@code multipart/*} body as a form. Their other parts are opaque entities: their header lines must be well formed
 * (the third point below), and nothing else about them is checked or inspected.
 *
 * <p>Strict because a body the WAF reads one way and the backend another is a bypass: wherever backends differ, the
 * body is refused rather than read one of the ways. {@link #parse} throws {@link MalformedException} when
 * <ul>
 *   <li><b>the boundary</b> is missing, given twice, empty, longer than {@value #MAX_BOUNDARY_LENGTH} characters,
 *       holds a character RFC 2046 does not allow or ends in a space, or the {@code Content-Type} parameters do not
 *       parse (RFC 9110: {@code ;}-separated {@code name=token} or {@code name="quoted"}, no space around {@code =});
 *       </li>
 *   <li><b>the framing</b> is off. Every line break of a delimiter is CRLF: a delimiter after a bare LF (which some
 *       parsers accept) is refused, not skipped. A delimiter is followed by CRLF, or by {@code --} and then CRLF or
 *       the end of the body: no transport padding, no other bytes. {@code --boundary} occurs nowhere else: not in a
 *       file's content, the preamble or the epilogue, where a parser matching a boundary prefix or accepting bare
 *       LF would split the body differently. The closing delimiter is there. At most {@value #MAX_PARTS} parts;
 *       </li>
 *   <li><b>a part's headers</b> have a line without a colon, a name that is not a token (so no space before the
 *       colon), obsolete line folding, a bare CR or LF, a control character, or no blank line after them; or give
 *       {@code Content-Disposition}, {@code Content-Type} or {@code Content-Transfer-Encoding} twice;</li>
 *   <li><b>{@code Content-Disposition}</b> is missing, is not {@code form-data}, has no {@code name}, gives a
 *       parameter twice, uses {@code name*} or {@code filename*} (RFC 7578 §4.2 forbids them; some backends decode
 *       them) or has a backslash in a quoted value (an escape to RFC 9110, a plain character to HTML and most form
 *       encoders: backends split the value differently);</li>
 *   <li><b>{@code Content-Transfer-Encoding}</b> is other than {@code 7bit}, {@code 8bit} or {@code binary}: a
 *       backend decoding base64 or quoted-printable would read a value the WAF never saw;</li>
 *   <li><b>a part is itself multipart</b> (the nested {@code multipart/mixed} that RFC 7578 §4.3 deprecates);</li>
 *   <li><b>a field names a charset</b> (its {@code Content-Type}, or a {@code _charset_} field's value) other than
 *       {@link #ASCII_COMPATIBLE_CHARSETS}: in UTF-16 or UTF-7 the same bytes are other text.</li>
 * </ul>
 *
 * <p>Field values are decoded as UTF-8, invalid bytes becoming U+FFFD: in the charsets allowed, the characters the
 * detectors look for (quotes, angle brackets, dots, slashes, shell separators) are the same ASCII bytes, so reading
 * Latin-1 as UTF-8 loses nothing they need. Header values (names, filenames) are decoded the same way. An empty body
 * has no parts (a backend reads no field from it either). File contents are never decoded.
 *
 * <p>Every exception message describes the fault by position only and never quotes the body, so it may be shown to
 * the client. The cost is linear in the body's length (the boundary search does not backtrack). Immutable and
 * thread-safe.
 */
final class MultipartForm {

    /**
     * The most parts one body may have. No real form comes near it (PHP's {@code max_input_vars} defaults to the
     * same 1,000), and each part costs up to three detector runs; the bound keeps a body of thousands of tiny parts
     * from being a cheap way to spend the gateway's CPU, as such floods were against Commons FileUpload
     * (CVE-2023-24998).
     */
    static final int MAX_PARTS = 1_000;
    /** RFC 2046 §5.1.1: a boundary is 1 to 70 characters. */
    static final int MAX_BOUNDARY_LENGTH = 70;
    /**
     * The charsets a field may declare: those in which ASCII bytes mean ASCII characters, so the UTF-8 reading the
     * detectors get shows every metacharacter the backend's reading does.
     */
    static final Set<String> ASCII_COMPATIBLE_CHARSETS = Set.of("utf-8", "us-ascii", "iso-8859-1", "windows-1252");
    private static final Set<String> IDENTITY_TRANSFER_ENCODINGS = Set.of("7bit", "8bit", "binary");
    /** RFC 2046 §5.1.1 {@code bchars}: what a boundary may hold (a space, but not at the end). */
    private static final String BOUNDARY_CHARACTERS =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ";
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    /**
     * One part of the form.
     *
     * @param name     the {@code Content-Disposition} {@code name}, possibly empty
     * @param filename the {@code filename}, possibly empty; {@code null} when the part is a field, not a file
     * @param value    a field's content as UTF-8; {@code null} for a file, whose content is not read
     */
    record Part(String name, String filename, String value) {

        boolean isFile() {
            return filename != null;
        }
    }

    /** The body is not a {@code multipart/form-data} body every backend reads the same way; the message says why. */
    static final class MalformedException extends IOException {

        MalformedException(String message) {
            super(message);
        }
    }

    private final List<Part> parts;

    private MultipartForm(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    /** @return the parts, in body order */
    List<Part> parts() {
        return parts;
    }

    /**
     * @param contentType the request's one {@code Content-Type} value, a {@code multipart/*} type
     * @param body        the whole body
     * @return the form parts: every part of a {@code multipart/form-data} body; of another multipart type only the
     *     parts that declare themselves {@code form-data}, which some backends read as form fields whatever the
     *     body's type (the others are opaque entities, not inspected)
     * @throws MalformedException when the content type or the body breaks a rule of the class comment
     */
    static MultipartForm parse(String contentType, byte[] body) throws MalformedException {
        boolean formData = MediaTypes.of(contentType).equals("multipart/form-data");
        byte[] dashBoundary = ("--" + boundary(contentType)).getBytes(StandardCharsets.US_ASCII);
        if (body.length == 0) {
            return new MultipartForm(List.of());
        }
        int[] fallback = fallback(dashBoundary);
        int delimiter = indexOf(body, dashBoundary, fallback, 0);
        if (delimiter < 0) {
            throw new MalformedException("the body holds no boundary delimiter");
        }
        if (delimiter > 0 && !crlfBefore(body, delimiter)) {
            throw new MalformedException("the first boundary delimiter does not follow a crlf");
        }
        List<Part> parts = new ArrayList<>();
        int count = 0;
        while (true) {
            int after = delimiter + dashBoundary.length;
            if (startsWith(body, after, '-', '-')) {
                int end = after + 2;
                if (end != body.length && !startsWith(body, end, CR, LF)) {
                    throw new MalformedException("the closing delimiter is followed by more than a crlf");
                }
                if (indexOf(body, dashBoundary, fallback, end) >= 0) {
                    throw new MalformedException("the boundary occurs after the closing delimiter");
                }
                return new MultipartForm(parts);
            }
            if (after == body.length) {
                throw new MalformedException("the body has no closing delimiter");
            }
            if (!startsWith(body, after, CR, LF)) {
                throw new MalformedException("a boundary delimiter is followed by neither a crlf nor --");
            }
            int start = after + 2;
            int next = indexOf(body, dashBoundary, fallback, start);
            if (next < 0) {
                throw new MalformedException("the body has no closing delimiter");
            }
            if (!crlfBefore(body, next)) {
                throw new MalformedException("a boundary delimiter after part " + (count + 1)
                        + " does not follow a crlf");
            }
            if (next - 2 < start) {
                throw new MalformedException("part " + (count + 1) + " is empty");
            }
            if (count == MAX_PARTS) {
                throw new MalformedException("the body has more than " + MAX_PARTS + " parts");
            }
            count++;
            Part part = part(body, start, next - 2, count, formData);
            if (part != null) {
                parts.add(part);
            }
            delimiter = next;
        }
    }

    /** @return the boundary of a {@code multipart/*} content type, checked */
    private static String boundary(String contentType) throws MalformedException {
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        if (!type.regionMatches(true, 0, "multipart/", 0, 10) || !isToken(type, 10, type.length())) {
            throw new MalformedException("the content type is not multipart");
        }
        Map<String, String> parameters = semicolon < 0 ? Map.of()
                : parameters(contentType, semicolon, "the content type");
        String boundary = parameters.get("boundary");
        if (boundary == null) {
            throw new MalformedException("the content type has no boundary");
        }
        if (boundary.isEmpty()) {
            throw new MalformedException("the boundary is empty");
        }
        if (boundary.length() > MAX_BOUNDARY_LENGTH) {
            throw new MalformedException("the boundary is " + boundary.length() + " characters long (at most "
                    + MAX_BOUNDARY_LENGTH + ")");
        }
        for (int i = 0; i < boundary.length(); i++) {
            if (BOUNDARY_CHARACTERS.indexOf(boundary.charAt(i)) < 0) {
                throw new MalformedException("the boundary holds a character rfc 2046 does not allow");
            }
        }
        if (boundary.endsWith(" ")) {
            throw new MalformedException("the boundary ends in a space");
        }
        return boundary;
    }

    /**
     * @param from     the first byte after the delimiter's CRLF
     * @param to       the CR of the next delimiter
     * @param formData whether the body is {@code multipart/form-data}, where every part must be a form part
     * @return the part, or {@code null} for a part of another multipart type that is not {@code form-data}
     */
    private static Part part(byte[] body, int from, int to, int number, boolean formData)
            throws MalformedException {
        String disposition = null;
        String type = null;
        String transferEncoding = null;
        int line = from;
        while (true) {
            int end = lineEnd(body, line, to, number);
            if (end == line) {
                line += 2;
                break;
            }
            String header = headerLine(body, line, end, number);
            int colon = header.indexOf(':');
            if (colon < 0) {
                throw new MalformedException("a header line of part " + number + " has no colon");
            }
            if (!isToken(header, 0, colon)) {
                throw new MalformedException("a header name of part " + number + " is not a token");
            }
            String value = header.substring(colon + 1).strip();
            switch (header.substring(0, colon).toLowerCase(Locale.ROOT)) {
                case "content-disposition" -> disposition = once(disposition, value, number);
                case "content-type" -> type = once(type, value, number);
                case "content-transfer-encoding" -> transferEncoding = once(transferEncoding, value, number);
                default -> {
                    // Other headers mean nothing to a form parser.
                }
            }
            line = end + 2;
        }
        int semicolon = disposition == null ? -1 : disposition.indexOf(';');
        boolean formPart = disposition != null
                && (semicolon < 0 ? disposition : disposition.substring(0, semicolon)).strip()
                        .equalsIgnoreCase("form-data");
        if (!formData && !formPart) {
            return null;
        }
        if (disposition == null) {
            throw new MalformedException("part " + number + " has no content-disposition");
        }
        if (!formPart) {
            throw new MalformedException("the content-disposition of part " + number + " is not form-data");
        }
        Map<String, String> parameters = semicolon < 0 ? Map.of()
                : parameters(disposition, semicolon, "the content-disposition of part " + number);
        if (parameters.containsKey("name*") || parameters.containsKey("filename*")) {
            throw new MalformedException("the content-disposition of part " + number
                    + " uses name* or filename*, which rfc 7578 forbids");
        }
        String name = parameters.get("name");
        if (name == null) {
            throw new MalformedException("part " + number + " has no name");
        }
        String filename = parameters.get("filename");
        if (transferEncoding != null
                && !IDENTITY_TRANSFER_ENCODINGS.contains(transferEncoding.toLowerCase(Locale.ROOT))) {
            throw new MalformedException("part " + number
                    + " has a content-transfer-encoding other than 7bit, 8bit or binary");
        }
        String charset = type == null ? null : charset(type, number);
        if (filename != null) {
            return new Part(name, filename, null);
        }
        String value = new String(body, line, to - line, StandardCharsets.UTF_8);
        checkCharset(charset, number);
        if (name.equals("_charset_")) {
            // RFC 7578 §4.6: the form's default charset, which some backends honour.
            checkCharset(value.strip(), number);
        }
        return new Part(name, null, value);
    }

    private static void checkCharset(String charset, int number) throws MalformedException {
        if (charset != null && !ASCII_COMPATIBLE_CHARSETS.contains(charset.toLowerCase(Locale.ROOT))) {
            throw new MalformedException("field part " + number + " declares a charset other than utf-8, us-ascii,"
                    + " iso-8859-1 or windows-1252");
        }
    }

    /** @return the {@code charset} parameter of a part's content type, or {@code null} */
    private static String charset(String type, int number) throws MalformedException {
        int semicolon = type.indexOf(';');
        String media = (semicolon < 0 ? type : type.substring(0, semicolon)).strip();
        int slash = media.indexOf('/');
        if (slash <= 0 || !isToken(media, 0, slash) || !isToken(media, slash + 1, media.length())) {
            throw new MalformedException("the content type of part " + number + " is not a media type");
        }
        if (media.regionMatches(true, 0, "multipart/", 0, 10)) {
            throw new MalformedException("part " + number + " is itself multipart");
        }
        return semicolon < 0 ? null
                : parameters(type, semicolon, "the content type of part " + number).get("charset");
    }

    private static String once(String seen, String value, int number) throws MalformedException {
        if (seen != null) {
            throw new MalformedException("part " + number + " gives a content-* header twice");
        }
        return value;
    }

    /**
     * @return the index of the CR ending the header line that starts at {@code from}
     * @throws MalformedException on a bare CR or LF, or when no CRLF comes before {@code to}
     */
    private static int lineEnd(byte[] body, int from, int to, int number) throws MalformedException {
        for (int i = from; i < to; i++) {
            if (body[i] == CR) {
                if (i + 1 < to && body[i + 1] == LF) {
                    return i;
                }
                throw new MalformedException("the headers of part " + number + " hold a bare cr");
            }
            if (body[i] == LF) {
                throw new MalformedException("the headers of part " + number + " hold a bare lf");
            }
        }
        throw new MalformedException("the headers of part " + number + " do not end with a blank line");
    }

    private static String headerLine(byte[] body, int from, int to, int number) throws MalformedException {
        if (body[from] == ' ' || body[from] == '\t') {
            throw new MalformedException("the headers of part " + number + " use obsolete line folding");
        }
        for (int i = from; i < to; i++) {
            byte b = body[i];
            if (b >= 0 && b < 0x20 && b != '\t' || b == 0x7f) {
                throw new MalformedException("the headers of part " + number + " hold a control character");
            }
        }
        return new String(body, from, to - from, StandardCharsets.UTF_8);
    }

    /**
     * Reads RFC 9110 parameters: {@code *( OWS ";" OWS [ name "=" ( token / quoted-string ) ] )}, names lower-cased.
     *
     * @param from the index of the first {@code ;}
     * @param what the header, for messages: {@code the content type}
     */
    private static Map<String, String> parameters(String header, int from, String what) throws MalformedException {
        Map<String, String> parameters = new HashMap<>();
        int i = from;
        while (true) {
            i = skipSpaces(header, i);
            if (i == header.length()) {
                return parameters;
            }
            if (header.charAt(i) != ';') {
                throw new MalformedException(what + " has parameters that do not parse");
            }
            i = skipSpaces(header, i + 1);
            if (i == header.length() || header.charAt(i) == ';') {
                continue;
            }
            int nameEnd = tokenEnd(header, i);
            if (nameEnd == i || nameEnd == header.length() || header.charAt(nameEnd) != '=') {
                throw new MalformedException(what + " has parameters that do not parse");
            }
            String name = header.substring(i, nameEnd).toLowerCase(Locale.ROOT);
            String value;
            i = nameEnd + 1;
            if (i < header.length() && header.charAt(i) == '"') {
                StringBuilder quoted = new StringBuilder();
                for (i++; i < header.length() && header.charAt(i) != '"'; i++) {
                    char c = header.charAt(i);
                    if (c == '\\') {
                        throw new MalformedException(what + " has a backslash in a quoted parameter");
                    }
                    if (c < 0x20 && c != '\t' || c == 0x7f) {
                        throw new MalformedException(what + " has a control character in a parameter");
                    }
                    quoted.append(c);
                }
                if (i == header.length()) {
                    throw new MalformedException(what + " has an unterminated quoted parameter");
                }
                value = quoted.toString();
                i++;
            } else {
                int valueEnd = tokenEnd(header, i);
                if (valueEnd == i) {
                    throw new MalformedException(what + " has parameters that do not parse");
                }
                value = header.substring(i, valueEnd);
                i = valueEnd;
            }
            if (parameters.putIfAbsent(name, value) != null) {
                throw new MalformedException(what + " gives a parameter twice");
            }
        }
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean crlfBefore(byte[] body, int at) {
        return at >= 2 && body[at - 2] == CR && body[at - 1] == LF;
    }

    private static boolean startsWith(byte[] body, int at, int first, int second) {
        return at + 1 < body.length && body[at] == first && body[at + 1] == second;
    }

    /** Knuth-Morris-Pratt: for each prefix of {@code pattern}, the length of its longest proper border. */
    private static int[] fallback(byte[] pattern) {
        int[] fallback = new int[pattern.length];
        for (int i = 1, k = 0; i < pattern.length; i++) {
            while (k > 0 && pattern[i] != pattern[k]) {
                k = fallback[k - 1];
            }
            if (pattern[i] == pattern[k]) {
                k++;
            }
            fallback[i] = k;
        }
        return fallback;
    }

    /** @return the first index at or after {@code from} where {@code pattern} starts, or -1; never backtracks */
    private static int indexOf(byte[] text, byte[] pattern, int[] fallback, int from) {
        for (int i = from, k = 0; i < text.length; i++) {
            while (k > 0 && text[i] != pattern[k]) {
                k = fallback[k - 1];
            }
            if (text[i] == pattern[k]) {
                k++;
            }
            if (k == pattern.length) {
                return i - k + 1;
            }
        }
        return -1;
    }
}
