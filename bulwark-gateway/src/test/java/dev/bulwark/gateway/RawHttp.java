package dev.bulwark.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Sends one literal HTTP/1.1 request over a socket and reads the response until the server closes, so tests
 * can send what HTTP clients refuse to: raw {@code ..} paths, forged hop-by-hop headers, bad lengths.
 */
final class RawHttp {

    private RawHttp() {
    }

    /** One response as it came off the wire. */
    record Reply(int status, String head, String body) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        boolean hasHeader(String name) {
            return header(name) != null;
        }
    }

    /**
     * @param port    the gateway port on 127.0.0.1
     * @param request the request head and body; {@code Connection: close} is added when missing
     */
    static Reply send(int port, String request) throws IOException {
        String text = request;
        if (!text.toLowerCase(Locale.ROOT).contains("\r\nconnection:")) {
            text = text.replaceFirst("\r\n", "\r\nConnection: close\r\n");
        }
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String response = all.toString(StandardCharsets.ISO_8859_1);
            int split = response.indexOf("\r\n\r\n");
            String head = split < 0 ? response : response.substring(0, split);
            String body = split < 0 ? "" : response.substring(split + 4);
            int status = Integer.parseInt(head.substring(9, 12));
            return new Reply(status, head, body);
        }
    }
}
