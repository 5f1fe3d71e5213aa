package dev.bulwark.core.auth.password;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A fixed pool of threads with a bounded queue for password hashing and verification, so a login flood waits
 * in a short line and is then refused instead of taking every core from proxied traffic.
 *
 * <p>{@link #submit} never blocks the caller: when the queue is full the returned stage is already complete
 * with {@link WorkOutcome.Busy}. A job that throws completes the stage exceptionally. Thread-safe;
 * {@link #close()} stops accepting work (later submissions are {@code Busy}) and lets queued jobs finish.
 */
public final class PasswordWorkers implements AutoCloseable {

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ThreadPoolExecutor executor;
    private final int queueCapacity;

    /**
     * @param threads       worker threads; hashing is CPU-bound, so at most the number of cores (less is
     *                      better: the rest stay free for proxying)
     * @param queueCapacity jobs allowed to wait; beyond that {@link #submit} answers busy
     * @throws IllegalArgumentException when either is below 1
     */
    public PasswordWorkers(int threads, int queueCapacity) {
        if (threads < 1) {
            throw new IllegalArgumentException("password worker threads must be positive: " + threads);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("password worker queue must be positive: " + queueCapacity);
        }
        this.queueCapacity = queueCapacity;
        int pool = POOLS.incrementAndGet();
        AtomicInteger ids = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "bulwark-password-" + pool + "-" + ids.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), factory, new ThreadPoolExecutor.AbortPolicy());
    }

    /** A pool sized for a machine: half the cores (at least one) and 64 queued jobs per thread. */
    public static PasswordWorkers forAvailableProcessors() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        return new PasswordWorkers(threads, threads * 64);
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
