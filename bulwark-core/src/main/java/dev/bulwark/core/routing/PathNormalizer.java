package dev.bulwark.core.routing;

import dev.bulwark.api.Reason;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a request's raw path into the one canonical path used for routing and forwarding, refusing paths
 * whose meaning differs between parsers. Called once per request, before matching.
 *
 * <p>Rules, in order:
 * <ul>
 *   <li>control characters (raw or encoded, NUL included), a raw space, {@code ?} or {@code #}, invalid
 *       percent-encoding and invalid UTF-8 (overlong forms included) → {@link Reason#MALFORMED_REQUEST};</li>
 *   <li>an encoded slash or backslash ({@code %2F}, {@code %5C}), double encoding (a decoded {@code %} followed
 *       by two hex digits, e.g. from {@code %252F} or {@code %25%32%46}), dot segments that climb above the root, and segments that Unicode compatibility
 *       normalisation (NFKC) would turn into a slash or a dot segment → {@link Reason#PATH_TRAVERSAL};</li>
 *   <li>a raw backslash counts as {@code /}; {@code ;params} are removed from every segment; repeated
 *       slashes are merged; {@code .} and {@code ..} are resolved; percent-encoding is decoded exactly once;
 *       an empty path becomes {@code /}; a trailing slash is kept.</li>
 * </ul>
 * The input is the path component only, without the query string. Stateless and thread-safe.
 */
public final class PathNormalizer {

    private PathNormalizer() {
    }

    /** @return the normalized path, or a refusal; never {@code null} and never throws for any input */
    public static NormalizedPath normalize(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return NormalizedPath.accepted("/", "/");
        }
        if (isAlreadyCanonical(rawPath)) {
            return NormalizedPath.accepted(rawPath, rawPath);
        }
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return NormalizedPath.refused(Reason.MALFORMED_REQUEST, "control character in path");
            }
            if (c == ' ' || c == '?' || c == '#') {
                return NormalizedPath.refused(Reason.MALFORMED_REQUEST, "unencoded '" + c + "' in path");
            }
        }
        String raw = rawPath.replace('\\', '/');
        if (raw.charAt(0) != '/') {
            return NormalizedPath.refused(Reason.MALFORMED_REQUEST, "path does not start with /");
        }
        List<String> segments = new ArrayList<>();
        boolean trailingSlash = false;
        int start = 1;
        while (start <= raw.length()) {
            int end = raw.indexOf('/', start);
            if (end < 0) {
                end = raw.length();
            }
            String segment = raw.substring(start, end);
            int semicolon = segment.indexOf(';');
            if (semicolon >= 0) {
                segment = segment.substring(0, semicolon);
            }
            String decoded;
            try {
                decoded = decode(segment);
            } catch (Refusal refusal) {
                return NormalizedPath.refused(refusal.reason, refusal.getMessage());
            }
            boolean last = end == raw.length();
            switch (decoded) {
                case "", "." -> trailingSlash = last;
                case ".." -> {
                    if (segments.isEmpty()) {
                        return NormalizedPath.refused(Reason.PATH_TRAVERSAL, "path climbs above the root");
                    }
                    segments.remove(segments.size() - 1);
                    trailingSlash = last;
                }
                default -> {
                    if (disguisesSeparator(decoded)) {
                        return NormalizedPath.refused(Reason.PATH_TRAVERSAL, "look-alike slash or dot in path");
                    }
                    segments.add(decoded);
                    trailingSlash = false;
                }
            }
            start = end + 1;
        }
        if (segments.isEmpty()) {
            return NormalizedPath.accepted("/", "/");
        }
        StringBuilder path = new StringBuilder(raw.length());
        StringBuilder forward = new StringBuilder(raw.length() + 8);
        for (String segment : segments) {
            path.append('/').append(segment);
            forward.append('/');
            encode(segment, forward);
        }
        if (trailingSlash) {
            path.append('/');
            forward.append('/');
        }
        return NormalizedPath.accepted(path.toString(), forward.toString());
    }

    /**
     * The common case (plain ASCII, nothing to decode, resolve or merge) needs no work and no allocation
     * beyond the lower-cased copy.
     */
    private static boolean isAlreadyCanonical(String raw) {
        if (raw.charAt(0) != '/') {
            return false;
        }
        char previous = '/';
        for (int i = 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (!isSegmentSafe(c) && c != '/') {
                return false;
            }
            if (c == '/' && previous == '/') {
                return false;
            }
            if (c == '.' && previous == '/') {
                // a segment starting with a dot might be a dot segment; take the slow path
                return false;
            }
            previous = c;
        }
        return true;
    }

    /** pchar without '%' and ';' (RFC 3986 section 3.3): sent upstream as is. */
    private static boolean isSegmentSafe(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~'
                || c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' || c == '+'
                || c == ',' || c == '=' || c == ':' || c == '@';
    }

    private static String decode(String segment) throws Refusal {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        byte[] bytes = new byte[segment.length() * 3];
        int length = 0;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c != '%') {
                length = appendUtf8(segment, i, bytes, length);
                if (Character.isHighSurrogate(c) && i + 1 < segment.length()) {
                    i++;
                }
                continue;
            }
            int value = hexPair(segment, i + 1);
            if (value < 0) {
                throw new Refusal(Reason.MALFORMED_REQUEST, "invalid percent-encoding in path");
            }
            if (value == '/' || value == '\\') {
                throw new Refusal(Reason.PATH_TRAVERSAL, "encoded slash or backslash in path");
            }
            if (value < 0x20 || value == 0x7f) {
                throw new Refusal(Reason.MALFORMED_REQUEST, "control character in path");
            }
            bytes[length++] = (byte) value;
            i += 2;
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            String decoded = utf8.decode(ByteBuffer.wrap(bytes, 0, length)).toString();
            // "%252F" and "%25%32%46" both decode to "%2F": a backend that decodes again would see a slash
            for (int at = decoded.indexOf('%'); at >= 0; at = decoded.indexOf('%', at + 1)) {
                if (hexPair(decoded, at + 1) >= 0) {
                    throw new Refusal(Reason.PATH_TRAVERSAL, "double-encoded character in path");
                }
            }
            return decoded;
        } catch (CharacterCodingException e) {
            throw new Refusal(Reason.MALFORMED_REQUEST, "invalid utf-8 in path");
        }
    }

    private static int appendUtf8(String segment, int index, byte[] out, int length) {
        int codePoint = segment.codePointAt(index);
        byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(encoded, 0, out, length, encoded.length);
        return length + encoded.length;
    }

    private static int hexPair(String s, int at) {
        if (at + 1 >= s.length()) {
            return -1;
        }
        int high = Character.digit(s.charAt(at), 16);
        int low = Character.digit(s.charAt(at + 1), 16);
        return high < 0 || low < 0 ? -1 : high << 4 | low;
    }

    /**
     * Some backends apply NFKC, turning a fullwidth solidus or dot into the ASCII one after we have routed;
     * refusing those keeps both sides agreeing on the segments.
     */
    private static boolean disguisesSeparator(String segment) {
        boolean ascii = true;
        for (int i = 0; i < segment.length() && ascii; i++) {
            ascii = segment.charAt(i) < 0x80;
        }
        if (ascii) {
            return false;
        }
        String folded = Normalizer.normalize(segment, Normalizer.Form.NFKC);
        return folded.indexOf('/') >= 0 || folded.indexOf('\\') >= 0 || folded.equals(".") || folded.equals("..")
                || folded.indexOf(';') >= 0 && segment.indexOf(';') < 0;
    }

    private static void encode(String segment, StringBuilder out) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (isSegmentSafe(c)) {
                out.append(c);
                continue;
            }
            int codePoint = segment.codePointAt(i);
            if (Character.isSupplementaryCodePoint(codePoint)) {
                i++;
            }
            for (byte b : new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8)) {
                out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
        }
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** Internal signal from {@link #decode(String)}; never escapes this class. */
    private static final class Refusal extends Exception {
        private final Reason reason;

        Refusal(Reason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }
}
