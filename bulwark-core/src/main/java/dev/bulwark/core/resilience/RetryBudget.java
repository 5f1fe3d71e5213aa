package dev.bulwark.core.resilience;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps retries from multiplying an outage: every request to an upstream earns {@code percent}/100 of a retry,
 * time earns {@code minPerSecond} retries a second, and each retry spends one. The balance is capped at ten
 * seconds of {@code minPerSecond} (at least 10 retries) and starts full, so over any stretch of time retries are
 * at most {@code percent} % of the requests, plus the floor, plus that reserve.
 *
 * <p>Thread-safe. {@link #recordRequest()} is on every request's path: it reads one counter and, unless the
 * balance is already full, adds to it with a compare-and-set; it allocates nothing.
 */
public final class RetryBudget {

    /** One retry, in the fixed-point unit of the balance. */
    private static final long RETRY = 1000;

    private final long perRequest;
    private final long perMilli;
    private final long cap;
    private final Clock clock;
    private final AtomicLong balance;
    private long refilledAt;

    /**
     * @param percent      the share of requests that may be retried, 0..100
     * @param minPerSecond retries allowed per second whatever the traffic, 0 or more
     * @param clock        the clock the floor is earned by
     * @throws IllegalArgumentException when a number is out of range
     */
    public RetryBudget(int percent, int minPerSecond, Clock clock) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("retry budget must be a percentage: " + percent);
        }
        if (minPerSecond < 0) {
            throw new IllegalArgumentException("retries per second must not be negative: " + minPerSecond);
        }
        this.perRequest = percent * RETRY / 100;
        this.perMilli = minPerSecond;
        this.cap = Math.max(10, 10L * minPerSecond) * RETRY;
        this.clock = clock;
        this.balance = new AtomicLong(cap);
        this.refilledAt = clock.millis();
    }

    /** @return a budget with the settings of {@code config} */
    public static RetryBudget of(RetryConfig config, Clock clock) {
        return new RetryBudget(config.budgetPercent(), config.minPerSecond(), clock);
    }

    /** Earns the share of a retry one request to the upstream is worth. */
    public void recordRequest() {
        if (perRequest > 0) {
            add(perRequest);
        }
    }

    /**
     * Spends one retry if the balance holds one.
     *
     * @return whether the retry may be sent
     */
    public boolean tryRetry() {
        synchronized (this) {
            long now = clock.millis();
            long elapsed = now - refilledAt;
            if (elapsed > 0) {
                refilledAt = now;
                add(Math.min(cap, elapsed * perMilli));
            }
        }
        while (true) {
            long current = balance.get();
            if (current < RETRY) {
                return false;
            }
            if (balance.compareAndSet(current, current - RETRY)) {
                return true;
            }
        }
    }

    /** @return the retries the balance holds now, rounded down (without the floor earned since the last retry) */
    public long available() {
        return balance.get() / RETRY;
    }

    private void add(long amount) {
        while (true) {
            long current = balance.get();
            if (current >= cap) {
                return;
            }
            if (balance.compareAndSet(current, Math.min(cap, current + amount))) {
                return;
            }
        }
    }
}
