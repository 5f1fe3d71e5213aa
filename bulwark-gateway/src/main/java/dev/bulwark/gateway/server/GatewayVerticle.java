package dev.bulwark.gateway.server;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.Listener;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.routing.CompiledRoute;
import dev.bulwark.core.websocket.WebSocketConfig;
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
 * <p>The gateway's other ports ({@code server.adminPort}, {@code admin.port}) get a verticle each. Which port
 * serves what is {@link Listener}'s to decide; a verticle asks it for its own.
 */
public final class GatewayVerticle extends VerticleBase {

    /** Headroom over the configured limits, so the header-limit filter (which answers 431 with a problem) sees
     *  oversized headers first and Vert.x's own limit is only a backstop against abuse. */
    private static final int HEADER_HEADROOM = 8192;

    private final GatewayRuntime runtime;
    private final int port;
    private final Listener listener;
    private HttpProxy proxy;
    private HttpServer server;

    /**
     * @param runtime  shared state
     * @param port     the port to listen on; 0 picks one (then deploy the other instances with the actual port)
     * @param listener which of the gateway's ports this is
     */
    public GatewayVerticle(GatewayRuntime runtime, int port, Listener listener) {
        this.runtime = runtime;
        this.port = port;
        this.listener = listener;
    }

    /** @return the port actually bound; valid once deployed */
    public int actualPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> start() {
        BulwarkConfig whole = runtime.routes().config();
        ServerConfig config = whole.server();
        boolean main = listener.servesRoutes();
        int maxFrameSize = largestWebSocketFrame();
        proxy = main ? new HttpProxy(vertx, runtime.upstreamGuards(), maxFrameSize) : null;
        server = vertx.createHttpServer(options(config, maxFrameSize))
                .requestHandler(new RequestHandler(runtime, proxy, context, main, listener.servesBuiltins(whole),
                        listener.servesAdminApi(whole)));
        return server.listen(port, config.host()).onSuccess(runtime.servers()::add);
    }

    @Override
    public Future<?> stop() {
        if (proxy != null) {
            proxy.close();
        }
        return Future.succeededFuture();
    }

    /** @return the largest {@code websocket.maxFrameSize} of any route (the default where none is set) */
    private int largestWebSocketFrame() {
        long largest = WebSocketConfig.DEFAULT.maxFrameSize();
        for (CompiledRoute route : runtime.routes().routes()) {
            WebSocketConfig websocket = route.policy().websocket();
            if (websocket != null) {
                largest = Math.max(largest, websocket.maxFrameSize());
            }
        }
        return (int) Math.min(largest, WebSocketConfig.MAX_FRAME_SIZE);
    }

    private HttpServerOptions options(ServerConfig config, int maxFrameSize) {
        HttpServerOptions options = new HttpServerOptions()
                .setMaxHeaderSize(config.maxHeaderBytes() + HEADER_HEADROOM)
                .setMaxInitialLineLength(8192)
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                .setDecompressionSupported(false)
                .setHandle100ContinueAutomatically(false)
                .setIdleTimeout(120)
                // Lets the WebSocket relay answer with whichever subprotocol the upstream picked.
                .setWebSocketSubProtocols(List.of("*"))
                // Frames are decoded whole before the relay sees them, so the decoder's cap must admit the largest
                // route limit; each route's own (smaller) limits and message sizes are enforced by the relay.
                .setMaxWebSocketFrameSize(maxFrameSize);
        if (config.tls() != null) {
            options.setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions()
                            .setCertPath(config.tls().certificate().toString())
                            .setKeyPath(config.tls().privateKey().toString()))
                    .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
                    .setUseAlpn(true)
                    .setAlpnVersions(config.http2() && listener == Listener.MAIN
                            ? List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1) : List.of(HttpVersion.HTTP_1_1));
        } else {
            options.setHttp2ClearTextEnabled(config.http2() && listener == Listener.MAIN);
        }
        return options;
    }
}
