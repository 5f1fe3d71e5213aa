package dev.bulwark.core.auth.password;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A fixed pool of threads with a bounded queue for password hashing and verification, so a login flood waits
 * in a short line and is then refused instead of taking every core from proxied traffic. On Linux the threads
 * can also run at a higher nice value, so that on a core shared with the event loop the loop is scheduled
 * first whenever it has work: hashing then takes mostly the time proxying leaves.
 *
 * <p>{@link #submit} never blocks the caller: when the queue is full the returned stage is already complete
 * with {@link WorkOutcome.Busy}. A job that throws completes the stage exceptionally. Thread-safe;
 * {@link #close()} stops accepting work (later submissions are {@code Busy}) and lets queued jobs finish.
 */
public final class PasswordWorkers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PasswordWorkers.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ThreadPoolExecutor executor;
    private final int queueCapacity;

    /**
     * @param threads       worker threads; hashing is CPU-bound, so at most the number of cores (less is
     *                      better: the rest stay free for proxying)
     * @param queueCapacity jobs allowed to wait; beyond that {@link #submit} answers busy
     * @param nice          0 to keep the process's priority, or 1 to 19: the nice value each worker thread sets
     *                      for itself on Linux (elsewhere, or where it cannot, it logs one warning and runs at
     *                      the process's priority)
     * @throws IllegalArgumentException when {@code threads} or {@code queueCapacity} is below 1, or {@code nice}
     *                                  is outside 0 to 19
     */
    public PasswordWorkers(int threads, int queueCapacity, int nice) {
        if (threads < 1) {
            throw new IllegalArgumentException("password worker threads must be positive: " + threads);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("password worker queue must be positive: " + queueCapacity);
        }
        if (nice < 0 || nice > 19) {
            throw new IllegalArgumentException("password worker nice value must be 0 to 19: " + nice);
        }
        this.queueCapacity = queueCapacity;
        int pool = POOLS.incrementAndGet();
        AtomicInteger ids = new AtomicInteger();
        AtomicBoolean warned = new AtomicBoolean();
        ThreadFactory factory = runnable -> {
            Runnable worker = nice == 0 ? runnable : () -> {
                String refused = ThreadNice.applyToCurrentThread(nice);
                if (refused != null && warned.compareAndSet(false, true)) {
                    LOG.warn("password workers run at the process's priority, not nice {}: {}", nice, refused);
                }
                runnable.run();
            };
            Thread thread = new Thread(worker, "bulwark-password-" + pool + "-" + ids.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), factory, new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Runs {@code job} on a worker.
     *
     * @return a stage with {@link WorkOutcome.Done} holding the job's value, or already complete with
     *         {@link WorkOutcome.Busy} when no worker or queue slot is free
     */
    public <T> CompletionStage<WorkOutcome<T>> submit(Supplier<T> job) {
        Objects.requireNonNull(job, "job");
        CompletableFuture<WorkOutcome<T>> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(new WorkOutcome.Done<>(job.get()));
                } catch (RuntimeException | Error failure) {
                    result.completeExceptionally(failure);
                }
            });
        } catch (RejectedExecutionException full) {
            result.complete(new WorkOutcome.Busy<>());
        }
        return result;
    }

    /** @return how many jobs wait for a worker now (for metrics) */
    public int queued() {
        return executor.getQueue().size();
    }

    /** @return how many jobs may wait before submissions are refused */
    public int queueCapacity() {
        return queueCapacity;
    }

    @Override
    public void close() {
        executor.shutdown();
    }
}
