package dev.bulwark.gateway;

import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;

import static dev.bulwark.gateway.GatewayTestSupport.CLIENT;
import static dev.bulwark.gateway.GatewayTestSupport.withSecrets;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 100 MB through the gateway in each direction. Runs in its own surefire execution with {@code -Xmx128m}
 * (see the module POM): gateway, upstream and client share that heap, so any component buffering a whole body
 * fails with an OutOfMemoryError instead of passing.
 */
class BoundedHeapStreamingTest {

    private static final long HUNDRED_MB = 100L * 1024 * 1024;

    private static TestUpstream upstream;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        upstream = new TestUpstream();
        gateway = Gateway.start(GatewayTestSupport.config(upstream, GatewayTestSupport.server())
                .route(RouteConfig.builder("files").path("/**").upstream("backend")
                        .inline(PolicyConfig.builder().bodyLimit(HUNDRED_MB + 1)))
                .build(), GatewayOptions.defaults().withEventLoops(1));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void hundredMegabyteUploadArrivesIntactWithBoundedHeap() throws Exception {
        HttpResponse<String> response = CLIENT.send(withSecrets(gateway.baseUri().resolve("/upload"))
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(HUNDRED_MB))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        TestUpstream.Received received = upstream.next();
        assertThat(received.bodyBytes()).isEqualTo(HUNDRED_MB);
        assertThat(received.sha256()).isEqualTo(TestUpstream.BodyPattern.sha256Of(HUNDRED_MB));
    }

    @Test
    void hundredMegabyteDownloadArrivesIntactWithBoundedHeap() throws Exception {
        HttpResponse<InputStream> response = CLIENT.send(withSecrets(
                gateway.baseUri().resolve("/download?bytes=" + HUNDRED_MB)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode()).isEqualTo(200);
        MessageDigest digest = TestUpstream.sha256();
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream body = response.body()) {
            for (int read; (read = body.read(buffer)) > 0; ) {
                digest.update(buffer, 0, read);
                total += read;
            }
        }
        assertThat(total).isEqualTo(HUNDRED_MB);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(TestUpstream.BodyPattern.sha256Of(HUNDRED_MB));
    }

    /** Generates the pattern body on the fly, so the client never holds it either. */
    private static final class PatternStream extends InputStream {
        private final long total;
        private long position;
        private byte[] chunk = new byte[0];
        private int offset;

        PatternStream(long total) {
            this.total = total;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int from, int length) {
            if (offset == chunk.length) {
                if (position >= total) {
                    return -1;
                }
                int size = (int) Math.min(TestUpstream.BodyPattern.CHUNK, total - position);
                chunk = TestUpstream.BodyPattern.chunk(position, size);
                position += size;
                offset = 0;
            }
            int count = Math.min(length, chunk.length - offset);
            System.arraycopy(chunk, offset, target, from, count);
            offset += count;
            return count;
        }
    }
}
