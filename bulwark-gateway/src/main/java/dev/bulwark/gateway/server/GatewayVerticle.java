package dev.bulwark.gateway.server;

import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.gateway.proxy.HttpProxy;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;

import java.util.List;
import java.util.Set;

/**
 * One event loop's share of the gateway: an HTTP server on the shared port with its own upstream connection
 * pools. The gateway deploys one per event loop; Vert.x spreads accepted connections across them.
 *
 * <p>Also serves the admin port (built-in endpoints only) when deployed with {@code admin = true}.
 */
public final class GatewayVerticle extends VerticleBase {

    /** Headroom over the configured limits, so the header-limit filter (which answers 431 with a problem) sees
     *  oversized headers first and Vert.x's own limit is only a backstop against abuse. */
    private static final int HEADER_HEADROOM = 8192;

    private final GatewayRuntime runtime;
    private final int port;
    private final boolean admin;
    private HttpProxy proxy;
    private HttpServer server;

    /**
     * @param runtime shared state
     * @param port    the port to listen on; 0 picks one (then deploy the other instances with the actual port)
     * @param admin   whether this is the admin server (built-in endpoints only)
     */
    public GatewayVerticle(GatewayRuntime runtime, int port, boolean admin) {
        this.runtime = runtime;
        this.port = port;
        this.admin = admin;
    }

    /** @return the port actually bound; valid once deployed */
    public int actualPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> start() {
        ServerConfig config = runtime.routes().config().server();
        proxy = admin ? null : new HttpProxy(vertx, runtime.upstreams());
        boolean builtinsHere = admin || config.adminPort() == null;
        server = vertx.createHttpServer(options(config))
                .requestHandler(new RequestHandler(runtime, proxy, context, !admin, builtinsHere));
        return server.listen(port, config.host()).onSuccess(runtime.servers()::add);
    }

    @Override
    public Future<?> stop() {
        if (proxy != null) {
            proxy.close();
        }
        return Future.succeededFuture();
    }

    private HttpServerOptions options(ServerConfig config) {
        HttpServerOptions options = new HttpServerOptions()
                .setMaxHeaderSize(config.maxHeaderBytes() + HEADER_HEADROOM)
                .setMaxInitialLineLength(8192)
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                .setDecompressionSupported(false)
                .setHandle100ContinueAutomatically(false)
                .setIdleTimeout(120)
                // Lets the WebSocket relay answer with whichever subprotocol the upstream picked.
                .setWebSocketSubProtocols(List.of("*"));
        if (config.tls() != null) {
            options.setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions()
                            .setCertPath(config.tls().certificate().toString())
                            .setKeyPath(config.tls().privateKey().toString()))
                    .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
                    .setUseAlpn(true)
                    .setAlpnVersions(config.http2() && !admin ? List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)
                            : List.of(HttpVersion.HTTP_1_1));
        } else {
            options.setHttp2ClearTextEnabled(config.http2() && !admin);
        }
        return options;
    }
}
