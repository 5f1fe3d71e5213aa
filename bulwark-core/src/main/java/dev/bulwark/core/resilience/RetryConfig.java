package dev.bulwark.core.resilience;

import dev.bulwark.core.config.ConfigProblem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How an upstream's failed requests are retried ({@code upstreams.NAME.retry}). Only requests that are safe to
 * send twice are retried: an idempotent method (GET, HEAD, OPTIONS, PUT, DELETE) with no body, when the
 * connection failed or was lost before the response head, so nothing has reached the client yet. Retries wait a
 * jittered exponential backoff and draw on a {@link RetryBudget}. Immutable.
 *
 * @param maxAttempts   tries in all, the first included; 1 turns retries off
 * @param backoff       the wait before the first retry (half of it fixed, half random); doubled for each next one
 * @param maxBackoff    the longest wait before a retry
 * @param budgetPercent retries may add at most this percentage to the upstream's requests
 * @param minPerSecond  retries allowed per second however few requests there are, so a quiet upstream can
 *                      still be retried
 */
public record RetryConfig(int maxAttempts, Duration backoff, Duration maxBackoff, int budgetPercent,
                          int minPerSecond) {

    /** The most tries a request may get. */
    public static final int MAX_ATTEMPTS = 10;

    /** One retry after 25 ms or so, within a budget of 20 % of requests plus 10 retries a second. */
    public static final RetryConfig DEFAULT = new RetryConfig(2, Duration.ofMillis(25), Duration.ofMillis(250), 20, 10);

    /** No retries ({@code retry: false}). */
    public static final RetryConfig OFF = new RetryConfig(1, DEFAULT.backoff, DEFAULT.maxBackoff,
            DEFAULT.budgetPercent, DEFAULT.minPerSecond);

    /** @return a builder starting from {@link #DEFAULT} */
    public static Builder builder() {
        return new Builder(DEFAULT);
    }

    /** @return whether any request may be retried */
    public boolean enabled() {
        return maxAttempts > 1;
    }

    /**
     * @param retry  which retry this is, 1 for the first
     * @param random a random number in {@code [0, 1)}
     * @return how long to wait before it, in milliseconds: half of {@code min(maxBackoff, backoff * 2^(retry-1))}
     *     plus a random part of the other half, at least 1
     */
    public long delayMillis(int retry, double random) {
        long ceiling = Math.min(maxBackoff.toMillis(), backoff.toMillis() << Math.min(retry - 1, 30));
        long half = ceiling / 2;
        return Math.max(1, half + (long) (random * (ceiling - half)));
    }

    /**
     * @param path the settings' key path, e.g. {@code upstreams.billing.retry}
     * @return every problem found, each at its own key path; empty when valid
     */
    public List<ConfigProblem> problems(String path) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
            problems.add(new ConfigProblem(path + ".maxAttempts", maxAttempts + " must be between 1 and "
                    + MAX_ATTEMPTS + " (1: no retries)"));
        }
        if (!enabled()) {
            return problems;
        }
        boolean backoffValid = BreakerConfig.positive(backoff, path + ".backoff", problems);
        if (BreakerConfig.positive(maxBackoff, path + ".maxBackoff", problems) && backoffValid
                && maxBackoff.compareTo(backoff) < 0) {
            problems.add(new ConfigProblem(path + ".maxBackoff", maxBackoff.toMillis()
                    + "ms is shorter than backoff (" + backoff.toMillis() + "ms)"));
        }
        if (budgetPercent < 0 || budgetPercent > 100) {
            problems.add(new ConfigProblem(path + ".budget", budgetPercent + " must be a percentage between 0 and 100"));
        }
        if (minPerSecond < 0 || minPerSecond > 1_000_000) {
            problems.add(new ConfigProblem(path + ".minPerSecond", minPerSecond + " must be between 0 and 1000000"));
        }
        return problems;
    }

    /** Builds a {@link RetryConfig}; the route compiler validates it. Not thread-safe. */
    public static final class Builder {
        private int maxAttempts;
        private Duration backoff;
        private Duration maxBackoff;
        private int budgetPercent;
        private int minPerSecond;

        private Builder(RetryConfig from) {
            maxAttempts = from.maxAttempts;
            backoff = from.backoff;
            maxBackoff = from.maxBackoff;
            budgetPercent = from.budgetPercent;
            minPerSecond = from.minPerSecond;
        }

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder backoff(Duration backoff) {
            this.backoff = backoff;
            return this;
        }

        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
            return this;
        }

        /** Sets the percentage retries may add to the upstream's requests. */
        public Builder budget(int percent) {
            this.budgetPercent = percent;
            return this;
        }

        public Builder minPerSecond(int minPerSecond) {
            this.minPerSecond = minPerSecond;
            return this;
        }

        public RetryConfig build() {
            return new RetryConfig(maxAttempts, backoff, maxBackoff, budgetPercent, minPerSecond);
        }
    }
}
