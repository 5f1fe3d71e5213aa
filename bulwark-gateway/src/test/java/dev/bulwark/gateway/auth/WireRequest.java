package dev.bulwark.gateway.auth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sends one {@code GET} over a plain socket with exactly the {@code Authorization} header lines given, so tests can
 * send what HTTP clients refuse or normalise: two {@code Authorization} headers, tabs inside a value, a 70 KiB
 * token. Reads until the server closes and decodes a chunked body. Stateless: each call is
 * its own connection.
 */
final class WireRequest {

    private WireRequest() {
    }

    /** One response as it came off the wire, with the body de-chunked. */
    record Reply(int status, String head, String body) {

        /** @return the first value of the header {@code name}, trimmed, or {@code null} */
        String header(String name) {
            List<String> all = headers(name);
            return all.isEmpty() ? null : all.getFirst();
        }

        /** @return every value of the header {@code name}, in order */
        List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            String[] lines = head.split("\r\n");
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase(name)) {
                    values.add(lines[i].substring(colon + 1).trim());
                }
            }
            return values;
        }
    }

    /**
     * @param port           the gateway port on 127.0.0.1
     * @param path           the request target
     * @param authorizations the values of the {@code Authorization} lines to send, each on its own line, verbatim
     */
    static Reply get(int port, String path, List<String> authorizations) throws IOException {
        StringBuilder request = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("User-Agent: bulwark-tests\r\n")
                .append("Connection: close\r\n");
        for (String value : authorizations) {
            request.append("Authorization: ").append(value).append("\r\n");
        }
        request.append("\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String response = all.toString(StandardCharsets.ISO_8859_1);
            int split = response.indexOf("\r\n\r\n");
            if (split < 0 || response.length() < 12) {
                throw new IOException("no complete response head: " + response.length() + " bytes");
            }
            String head = response.substring(0, split);
            String body = response.substring(split + 4);
            Reply reply = new Reply(Integer.parseInt(head.substring(9, 12)), head, body);
            String encoding = reply.header("Transfer-Encoding");
            if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                reply = new Reply(reply.status(), head, dechunk(body));
            }
            return new Reply(reply.status(), head,
                    new String(reply.body().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        }
    }

    private static String dechunk(String chunked) throws IOException {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                throw new IOException("truncated chunked body");
            }
            String sizeLine = chunked.substring(at, lineEnd);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
