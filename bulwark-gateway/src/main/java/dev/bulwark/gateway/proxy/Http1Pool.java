package dev.bulwark.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SocketAddress;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The keep-alive HTTP/1.1 connections from one event loop to one plain {@code http://} upstream: the gateway's
 * own lean client, which writes the request head straight into the connection's buffer and reads the response
 * with Netty's decoder (see {@link Http1Exchange}).
 *
 * <p>At most {@code maxConnections} are open or connecting at once; a request that finds them all busy waits
 * for the next one to come free, in arrival order, for at most the connect timeout (as with Vert.x's client,
 * the connect timeout bounds the whole wait for a connection). The most recently used idle connection is reused first, and
 * one idle for longer than {@link #KEEP_ALIVE} is closed instead of reused (upstreams close idle connections
 * too, and a request sent on one they just closed fails). Created and used on its event loop; not thread-safe.
 */
final class Http1Pool {

    /** How long an idle connection is reused, as Vert.x's own client does by default. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(60);
    private static final long KEEP_ALIVE_NANOS = KEEP_ALIVE.toNanos();

    private final Vertx vertx;
    private final NetClient client;
    private final SocketAddress server;
    private final long connectTimeoutMillis;
    private final int maxConnections;
    private final ArrayDeque<Http1Connection> idle = new ArrayDeque<>();
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    /** Connections open or being opened. */
    private int open;

    /** A request waiting for a connection; {@code timer} fails it when none comes free in time. */
    private static final class Waiter {
        final Handler<Http1Connection> ready;
        final Handler<Throwable> failed;
        long timer;

        Waiter(Handler<Http1Connection> ready, Handler<Throwable> failed) {
            this.ready = ready;
            this.failed = failed;
        }
    }

    /** Call on the event loop that will use the pool. */
    Http1Pool(Vertx vertx, SocketAddress server, int maxConnections, Duration connectTimeout) {
        this.vertx = vertx;
        this.server = server;
        this.maxConnections = maxConnections;
        this.connectTimeoutMillis = connectTimeout.toMillis();
        this.client = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) connectTimeoutMillis)
                .setTcpNoDelay(true));
    }

    /**
     * Hands {@code ready} a connection with no request on it: an idle one, a new one, or the next to come free
     * when {@code maxConnections} are busy. {@code failed} gets the reason a new connection could not be opened.
     *
     * @param nowNanos the current {@link System#nanoTime()}, which the caller has read anyway
     */
    void acquire(long nowNanos, Handler<Http1Connection> ready, Handler<Throwable> failed) {
        Http1Connection connection;
        while ((connection = idle.pollFirst()) != null) {
            if (nowNanos - connection.idleSince() < KEEP_ALIVE_NANOS) {
                ready.handle(connection);
                return;
            }
            connection.close();
        }
        if (open < maxConnections) {
            connect(ready, failed);
            return;
        }
        Waiter waiter = new Waiter(ready, failed);
        waiter.timer = vertx.setTimer(connectTimeoutMillis, fired -> {
            if (waiting.remove(waiter)) {
                failed.handle(new ConnectException("no connection to the upstream came free within "
                        + connectTimeoutMillis + " ms"));
            }
        });
        waiting.addLast(waiter);
    }

    private Waiter nextWaiter() {
        Waiter waiter = waiting.pollFirst();
        if (waiter != null) {
            vertx.cancelTimer(waiter.timer);
        }
        return waiter;
    }

    private void connect(Handler<Http1Connection> ready, Handler<Throwable> failed) {
        open++;
        client.connect(server).onComplete(connected -> {
            if (connected.failed()) {
                open--;
                failed.handle(connected.cause());
                connectForWaiter();
                return;
            }
            ready.handle(new Http1Connection((NetSocketInternal) connected.result(), this));
        });
    }

    /** Takes back a connection whose exchange ended cleanly: the next waiting request gets it, or it idles. */
    void recycle(Http1Connection connection) {
        Waiter waiter = nextWaiter();
        if (waiter != null) {
            waiter.ready.handle(connection);
        } else {
            idle.addFirst(connection);
        }
    }

    /** Forgets a connection that closed (either side), and opens one for a waiting request in its place. */
    void closed(Http1Connection connection) {
        open--;
        idle.remove(connection);
        connectForWaiter();
    }

    private void connectForWaiter() {
        if (open < maxConnections) {
            Waiter waiter = nextWaiter();
            if (waiter != null) {
                connect(waiter.ready, waiter.failed);
            }
        }
    }

    /** Closes every connection. */
    void close() {
        client.close();
    }
}
