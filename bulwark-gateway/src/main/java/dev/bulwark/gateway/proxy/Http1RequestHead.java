package dev.bulwark.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.MultiMap;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Encodes the head of a request going to an HTTP/1.1 upstream straight into a buffer: request line, the
 * upstream's own {@code Host}, the client's fields as {@link ProxyHeaders#copyRequest} would forward them, and
 * the forwarding fields. No map is built on the way.
 *
 * <p>Names and values are written as they are in the map: the map validated them when they were added (the
 * request's own map rejects CR, LF and NUL in values, and invalid names). Stateless.
 */
final class Http1RequestHead {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] SEPARATOR = {':', ' '};

    private Http1RequestHead() {
    }

    /**
     * @param method        the request method
     * @param target        the request target: the upstream path and query
     * @param authority     the upstream's {@code Host} value
     * @param fields        the client's request fields as the filters left them
     * @param forwarding    the forwarding fields, which replace the client's
     * @param requestId     the {@code X-Request-Id} to add when the fields carry none; may be {@code null}
     * @param contentLength the body length to declare instead of the client's, or {@code -1} to keep the
     *                      client's framing fields
     * @return the head without its closing empty line, so {@code Transfer-Encoding} can still be added
     */
    static ByteBuf encode(ByteBufAllocator alloc, String method, String target, String authority, MultiMap fields,
                          ProxyHeaders.Forwarding forwarding, String requestId, long contentLength) {
        ByteBuf head = alloc.buffer(1024);
        ascii(head, method);
        head.writeByte(' ');
        ascii(head, target);
        ascii(head, " HTTP/1.1\r\nHost: ");
        ascii(head, authority);
        head.writeBytes(CRLF);
        Set<String> connectionTokens = ProxyHeaders.connectionTokens(fields.getAll("Connection"));
        boolean hasRequestId = false;
        for (Map.Entry<String, String> field : fields) {
            String name = field.getKey();
            String value = field.getValue();
            if (ProxyHeaders.Forwarding.replaces(name)
                    || (contentLength >= 0 && name.equalsIgnoreCase("Content-Length"))
                    || !ProxyHeaders.forwardable(name, value, connectionTokens, Set.of())) {
                continue;
            }
            hasRequestId |= name.length() == 12 && name.equalsIgnoreCase("X-Request-Id");
            field(head, name, value);
        }
        field(head, "X-Forwarded-For", forwarding.forwardedFor());
        field(head, "X-Forwarded-Proto", forwarding.proto());
        if (forwarding.host() != null) {
            field(head, "X-Forwarded-Host", forwarding.host());
        }
        field(head, "Forwarded", forwarding.forwarded());
        if (requestId != null && !hasRequestId) {
            field(head, "X-Request-Id", requestId);
        }
        if (contentLength >= 0) {
            field(head, "Content-Length", Long.toString(contentLength));
        }
        return head;
    }

    /** Appends one field line. */
    static void field(ByteBuf head, String name, String value) {
        ascii(head, name);
        head.writeBytes(SEPARATOR);
        ascii(head, value);
        head.writeBytes(CRLF);
    }

    /** Ends the head. */
    static void end(ByteBuf head) {
        head.writeBytes(CRLF);
    }

    // String.getBytes(ISO_8859_1) is a plain array copy for the JDK's compact strings: far cheaper than writing a
    // bearer token character by character.
    private static void ascii(ByteBuf out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
