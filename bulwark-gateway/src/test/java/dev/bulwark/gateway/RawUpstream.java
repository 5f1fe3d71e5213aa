package dev.bulwark.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A loopback upstream that answers each HTTP/1.1 request with scripted bytes, for what well-behaved servers
 * never send: bodies ended by closing, informational answers, malformed heads, bytes on an idle connection.
 * It records every request exactly as it arrived (chunked bodies are de-chunked) and counts connections.
 */
final class RawUpstream implements AutoCloseable {

    /** One request as received: its head (request line and fields) and its body. */
    record Request(String head, String body) {
        String requestLine() {
            return head.substring(0, head.indexOf("\r\n"));
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    /**
     * @param bytes     what to send back
     * @param close     whether to close the connection after sending it
     * @param gate      when not {@code null}, the answer waits until this latch opens
     * @param whileIdle when not {@code null}, sent on the connection once the answer is out (the gateway has no
     *                  request on it then); {@link #idleBytesSent} opens after
     */
    record Reply(String bytes, boolean close, CountDownLatch gate, String whileIdle) {
        static Reply of(String bytes) {
            return new Reply(bytes, false, null, null);
        }

        static Reply closing(String bytes) {
            return new Reply(bytes, true, null, null);
        }
    }

    final BlockingQueue<Request> received = new LinkedBlockingQueue<>();
    final AtomicInteger connections = new AtomicInteger();
    final CountDownLatch idleBytesSent = new CountDownLatch(1);
    private final ServerSocket server;
    private volatile Function<Request, Reply> script = request -> Reply.of(ok("ok"));

    RawUpstream() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "raw-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** @return a complete 200 response with {@code body} and its length */
    static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    int port() {
        return server.getLocalPort();
    }

    void script(Function<Request, Reply> script) {
        this.script = script;
    }

    Request next() throws InterruptedException {
        Request request = received.poll(10, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("the upstream received no request within 10 s");
        }
        return request;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                Thread connection = new Thread(() -> serve(socket), "raw-upstream-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                Request request = new Request(head, readBody(in, head));
                received.add(request);
                Reply reply = script.apply(request);
                if (reply.gate() != null) {
                    reply.gate().await(10, TimeUnit.SECONDS);
                }
                out.write(reply.bytes().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (reply.whileIdle() != null) {
                    out.write(reply.whileIdle().getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    idleBytesSent.countDown();
                }
                if (reply.close()) {
                    return;
                }
            }
        } catch (IOException | InterruptedException gone) {
            // The gateway closed the connection: nothing more to serve on it.
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static String readBody(InputStream in, String head) throws IOException {
        Request fields = new Request(head, "");
        String length = fields.header("Content-Length");
        if (length != null) {
            return new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.ISO_8859_1);
        }
        String coding = fields.header("Transfer-Encoding");
        if (coding == null || !coding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return "";
        }
        StringBuilder body = new StringBuilder();
        while (true) {
            int size = Integer.parseInt(line(in).trim(), 16);
            if (size == 0) {
                line(in);
                return body.toString();
            }
            body.append(new String(in.readNBytes(size), StandardCharsets.ISO_8859_1));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
