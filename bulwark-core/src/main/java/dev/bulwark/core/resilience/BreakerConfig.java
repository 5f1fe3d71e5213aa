package dev.bulwark.core.resilience;

import dev.bulwark.core.config.ConfigProblem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An upstream's circuit breaker ({@code upstreams.NAME.circuitBreaker}): when too many recent calls failed or
 * were slow, the breaker opens and the gateway answers 503 at once, without connecting, for {@code openFor};
 * then a few trial calls decide whether it closes again. Failures are connect failures, timeouts, connections
 * lost before the response head, and 502, 503 and 504 answers. Immutable.
 *
 * @param enabled          whether the breaker is used ({@code circuitBreaker: false} turns it off)
 * @param failureRate      percentage of failed calls in the window that opens the breaker
 * @param slowCallDuration a call whose response head takes longer than this is slow
 * @param slowCallRate     percentage of slow calls in the window that opens the breaker (100: only when every
 *                         call is slow)
 * @param minimumCalls     calls the window must hold before the rates count
 * @param window           how far back the rates look (whole seconds)
 * @param openFor          how long the breaker stays open before trial calls are let through
 * @param halfOpenCalls    trial calls let through after {@code openFor}; their outcome closes or reopens it
 */
public record BreakerConfig(boolean enabled, int failureRate, Duration slowCallDuration, int slowCallRate,
                            int minimumCalls, Duration window, Duration openFor, int halfOpenCalls) {

    /** On: opens at 50 % failures among at least 20 calls in 10 s, stays open 15 s, then tries 5 calls. */
    public static final BreakerConfig DEFAULT = new BreakerConfig(true, 50, Duration.ofSeconds(10), 100, 20,
            Duration.ofSeconds(10), Duration.ofSeconds(15), 5);

    /** No breaker: every request is tried. */
    public static final BreakerConfig OFF = new BreakerConfig(false, DEFAULT.failureRate, DEFAULT.slowCallDuration,
            DEFAULT.slowCallRate, DEFAULT.minimumCalls, DEFAULT.window, DEFAULT.openFor, DEFAULT.halfOpenCalls);

    /** The longest {@code window}: the breaker keeps one bucket per second of it. */
    public static final Duration MAX_WINDOW = Duration.ofMinutes(10);

    /** @return a builder starting from {@link #DEFAULT} */
    public static Builder builder() {
        return new Builder(DEFAULT);
    }

    /**
     * @param path the settings' key path, e.g. {@code upstreams.billing.circuitBreaker}
     * @return every problem found, each at its own key path; empty when valid or off
     */
    public List<ConfigProblem> problems(String path) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (!enabled) {
            return problems;
        }
        percent(failureRate, path + ".failureRate", problems);
        percent(slowCallRate, path + ".slowCallRate", problems);
        positive(slowCallDuration, path + ".slowCallDuration", problems);
        if (minimumCalls < 1) {
            problems.add(new ConfigProblem(path + ".minimumCalls", minimumCalls + " must be positive"));
        }
        if (positive(window, path + ".window", problems)) {
            if (window.toMillis() % 1000 != 0 || window.compareTo(MAX_WINDOW) > 0) {
                problems.add(new ConfigProblem(path + ".window", window.toMillis()
                        + "ms must be whole seconds, at most 10m"));
            }
        }
        positive(openFor, path + ".openFor", problems);
        if (halfOpenCalls < 1) {
            problems.add(new ConfigProblem(path + ".halfOpenCalls", halfOpenCalls + " must be positive"));
        }
        return problems;
    }

    static void percent(int value, String path, List<ConfigProblem> problems) {
        if (value < 1 || value > 100) {
            problems.add(new ConfigProblem(path, value + " must be a percentage between 1 and 100"));
        }
    }

    static boolean positive(Duration value, String path, List<ConfigProblem> problems) {
        if (value == null) {
            problems.add(new ConfigProblem(path, "is required (expected a duration such as 10s)"));
            return false;
        }
        if (value.isNegative() || value.isZero()) {
            problems.add(new ConfigProblem(path, value.toMillis() + "ms must be positive"));
            return false;
        }
        return true;
    }

    /** Builds a {@link BreakerConfig}; the route compiler validates it. Not thread-safe. */
    public static final class Builder {
        private boolean enabled;
        private int failureRate;
        private Duration slowCallDuration;
        private int slowCallRate;
        private int minimumCalls;
        private Duration window;
        private Duration openFor;
        private int halfOpenCalls;

        private Builder(BreakerConfig from) {
            enabled = from.enabled;
            failureRate = from.failureRate;
            slowCallDuration = from.slowCallDuration;
            slowCallRate = from.slowCallRate;
            minimumCalls = from.minimumCalls;
            window = from.window;
            openFor = from.openFor;
            halfOpenCalls = from.halfOpenCalls;
        }

        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /** Sets the percentage of failed calls that opens the breaker. */
        public Builder failureRate(int percent) {
            this.failureRate = percent;
            return this;
        }

        public Builder slowCallDuration(Duration slowCallDuration) {
            this.slowCallDuration = slowCallDuration;
            return this;
        }

        /** Sets the percentage of slow calls that opens the breaker. */
        public Builder slowCallRate(int percent) {
            this.slowCallRate = percent;
            return this;
        }

        public Builder minimumCalls(int minimumCalls) {
            this.minimumCalls = minimumCalls;
            return this;
        }

        public Builder window(Duration window) {
            this.window = window;
            return this;
        }

        public Builder openFor(Duration openFor) {
            this.openFor = openFor;
            return this;
        }

        public Builder halfOpenCalls(int halfOpenCalls) {
            this.halfOpenCalls = halfOpenCalls;
            return this;
        }

        public BreakerConfig build() {
            return new BreakerConfig(enabled, failureRate, slowCallDuration, slowCallRate, minimumCalls, window,
                    openFor, halfOpenCalls);
        }
    }
}
