package dev.bulwark.gateway;

import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.TlsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemTrustOptions;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import java.io.FileWriter;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.bulwark.gateway.GatewayTestSupport.BEARER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebSocketAndProtocolsTest {

    @TempDir
    static Path tls;

    private static TestUpstream upstream;
    private static Gateway plain;
    private static Gateway secure;
    private static X509Certificate certificate;
    private static Vertx client;
    /**
     * Held for the whole class: Vert.x closes a client, with its connections, as soon as the client object is
     * garbage collected, and a first upgrade on a cold JVM is slow enough for a collection to land mid-handshake.
     */
    private static WebSocketClient webSockets;

    @BeforeAll
    static void start() throws Exception {
        upstream = new TestUpstream();
        client = Vertx.vertx();
        webSockets = client.createWebSocketClient(new WebSocketClientOptions());
        plain = Gateway.start(GatewayTestSupport.config(upstream, GatewayTestSupport.server())
                .route(RouteConfig.builder("all").path("/**").upstream("backend")).build(),
                GatewayOptions.defaults().withEventLoops(1));
        writeSelfSignedPem();
        secure = Gateway.start(GatewayTestSupport.config(upstream, GatewayTestSupport.server()
                        .tls(new TlsConfig(tls.resolve("cert.pem"), tls.resolve("key.pem"))))
                .route(RouteConfig.builder("all").path("/**").upstream("backend")).build(),
                GatewayOptions.defaults().withEventLoops(1));
    }

    @AfterAll
    static void stop() {
        secure.close();
        plain.close();
        client.close().toCompletionStage().toCompletableFuture().join();
        upstream.close();
    }

    @Test
    void webSocketFramesAreRelayedBothWaysAndCloseTravels() throws Exception {
        WebSocket socket = webSockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
                        .setPort(plain.port()).setURI("/ws/chat").addHeader("Authorization", BEARER))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        CompletableFuture<String> text = new CompletableFuture<>();
        CompletableFuture<Buffer> binary = new CompletableFuture<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        socket.textMessageHandler(text::complete);
        socket.binaryMessageHandler(binary::complete);
        socket.closeHandler(v -> closed.complete(null));

        socket.writeTextMessage("hello through bulwark");
        assertThat(text.get(10, TimeUnit.SECONDS)).isEqualTo("hello through bulwark");
        socket.writeBinaryMessage(Buffer.buffer(new byte[] {1, 2, 3, (byte) 0xff}));
        assertThat(binary.get(10, TimeUnit.SECONDS).getBytes()).containsExactly(1, 2, 3, (byte) 0xff);
        socket.close((short) 1000, "bye");
        closed.get(10, TimeUnit.SECONDS);
        assertThat(upstream.next().header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        TestUpstream.WebSocketClose atUpstream = upstream.nextWebSocketClose();
        assertThat(atUpstream.code()).isEqualTo((short) 1000);
        assertThat(atUpstream.reason()).isEqualTo("bye");
    }

    @Test
    void h2cPriorKnowledgeRequestIsServed() throws Exception {
        HttpClientAgent h2 = client.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
        var response = h2.request(HttpMethod.GET, plain.port(), "127.0.0.1", "/h2/hello")
                .compose(request -> request.send())
                .compose(r -> r.body().map(body -> r.version() + " " + r.statusCode() + " " + body))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(response).startsWith("HTTP_2 200").contains("\"path\":\"/h2/hello\"");
        assertThat(upstream.next().path()).isEqualTo("/h2/hello");
    }

    @Test
    void tlsWithAlpnNegotiatesHttp2() throws Exception {
        HttpClientAgent h2 = client.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setSsl(true).setUseAlpn(true).setVerifyHost(false)
                .setTrustOptions(new PemTrustOptions().addCertPath(tls.resolve("cert.pem").toString())));
        var response = h2.request(HttpMethod.GET, secure.port(), "127.0.0.1", "/tls/hello")
                .compose(request -> request.send())
                .compose(r -> r.body().map(body -> r.version() + " " + r.statusCode() + " "
                        + r.getHeader("Strict-Transport-Security")))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(response).startsWith("HTTP_2 200").contains("max-age=");
        assertThat(upstream.next().header("X-Forwarded-Proto")).isEqualTo("https");
    }

    @Test
    void tls11IsRefused() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gateway", certificate);
        var trustManagers = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", secure.port())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.1"});
            assertThatThrownBy(socket::startHandshake).isInstanceOfAny(SSLHandshakeException.class,
                    IOException.class);
        }
    }

    private static void writeSelfSignedPem() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=localhost");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(1, ChronoUnit.DAYS)), name,
                pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        try (JcaPEMWriter writer = new JcaPEMWriter(new FileWriter(tls.resolve("cert.pem").toFile()))) {
            writer.writeObject(certificate);
        }
        try (JcaPEMWriter writer = new JcaPEMWriter(new FileWriter(tls.resolve("key.pem").toFile()))) {
            writer.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null));
        }
    }
}
