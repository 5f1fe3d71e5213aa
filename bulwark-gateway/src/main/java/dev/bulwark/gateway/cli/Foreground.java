package dev.bulwark.gateway.cli;

import sun.misc.Signal;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps a command in the foreground until the user stops it, then closes what it started.
 *
 * <p>SIGINT and SIGTERM are caught so the command can close its resources gracefully and still exit 0; the
 * JVM's default handling would report 130/143. A second signal while closing stops the process at once. A
 * shutdown hook closes the same resources on any other exit. Not reusable: one call per process.
 */
final class Foreground {

    private Foreground() {
    }

    /**
     * Blocks the calling thread until SIGINT or SIGTERM, then closes {@code resources} in order.
     *
     * @param out where the stop notice goes
     */
    static void awaitStop(PrintWriter out, AutoCloseable... resources) {
        CountDownLatch signalled = new CountDownLatch(1);
        AtomicBoolean closed = new AtomicBoolean();
        Runnable close = () -> {
            if (closed.compareAndSet(false, true)) {
                for (AutoCloseable resource : List.of(resources)) {
                    try {
                        resource.close();
                    } catch (Exception failure) {
                        out.println("bulwark: error while stopping: " + BulwarkCommand.describe(failure));
                    }
                }
            }
        };
        // Where a signal cannot be caught, the JVM's own handling runs this hook, which closes the same way.
        Runtime.getRuntime().addShutdownHook(new Thread(close, "bulwark-shutdown"));
        catchSignal("INT", signalled);
        catchSignal("TERM", signalled);
        try {
            signalled.await();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        out.println("bulwark: stopping (in-flight requests may finish; press Ctrl-C again to stop at once)");
        out.flush();
        close.run();
        out.println("bulwark: stopped");
    }

    private static void catchSignal(String name, CountDownLatch signalled) {
        try {
            Signal.handle(new Signal(name), signal -> {
                if (signalled.getCount() == 0) {
                    Runtime.getRuntime().halt(128 + signal.getNumber());
                }
                signalled.countDown();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError unavailable) {
            // The platform reserves this signal; the shutdown hook still closes gracefully.
        }
    }
}
