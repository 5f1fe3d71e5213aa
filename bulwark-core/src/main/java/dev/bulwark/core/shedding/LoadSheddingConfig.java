package dev.bulwark.core.shedding;

import dev.bulwark.core.config.ConfigProblem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The top-level {@code loadShedding} section: how many requests the gateway serves at once, how many may wait
 * for a slot, and which priority classes are shed first. Immutable.
 *
 * <p>On by default with a generous limit ({@link #DEFAULT}): a gateway in trouble sheds its bulk traffic and
 * keeps health checks and logins answered, while a healthy one never reaches the limit.
 *
 * @param enabled       whether the global limit applies ({@code false}: every request is served at once)
 * @param maxConcurrent requests in progress at once, from arrival to the last response byte
 * @param queue         requests that may wait for a slot when the limit is reached; 0 sheds at once
 * @param queueTimeout  how long a request may wait in the queue before it is shed
 * @param retryAfter    the {@code Retry-After} a shed request is given
 * @param shares        the percentage of {@code maxConcurrent} each class may fill; {@link Priority#CRITICAL}
 *                      is always 100, the others at most the share of the class above them
 */
public record LoadSheddingConfig(boolean enabled, int maxConcurrent, int queue, Duration queueTimeout,
                                 Duration retryAfter, Map<Priority, Integer> shares) {

    /** Shares of the capacity unless configured: bulk work may fill half, ordinary API traffic 80 %. */
    public static final Map<Priority, Integer> DEFAULT_SHARES = shares(100, 95, 80, 50);

    /**
     * Load shedding as it is when the section is absent: 10 000 requests at once, 500 more waiting up to 1 s,
     * shed requests told to come back in 2 s.
     */
    public static final LoadSheddingConfig DEFAULT = new LoadSheddingConfig(true, 10_000, 500,
            Duration.ofSeconds(1), Duration.ofSeconds(2), DEFAULT_SHARES);

    public LoadSheddingConfig {
        EnumMap<Priority, Integer> complete = new EnumMap<>(DEFAULT_SHARES);
        if (shares != null) {
            complete.putAll(shares);
        }
        shares = Collections.unmodifiableMap(complete);
    }

    /** @return the builder, starting from {@link #DEFAULT} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param maxConcurrent the whole capacity
     * @param sharePercent  a class's share of it
     * @return how many requests of that class may be in progress at once, at least 1
     */
    public static int limitOf(int maxConcurrent, int sharePercent) {
        return (int) Math.max(1, (long) maxConcurrent * sharePercent / 100);
    }

    /**
     * Checks the section as configured.
     *
     * @param path the section's key path, {@code loadShedding}
     * @return every problem found, each at its own key path; empty when the section is valid
     */
    public List<ConfigProblem> problems(String path) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (maxConcurrent < 1) {
            problems.add(new ConfigProblem(path + ".maxConcurrent", maxConcurrent + " must be positive"));
        }
        if (queue < 0) {
            problems.add(new ConfigProblem(path + ".queue", queue + " must not be negative (0 sheds at once)"));
        }
        positive(queueTimeout, path + ".queueTimeout", problems);
        ConfigProblem retryAfterProblem = ConfigProblem.retryAfter(retryAfter, path + ".retryAfter");
        if (retryAfterProblem != null) {
            problems.add(retryAfterProblem);
        }
        if (shares.get(Priority.CRITICAL) != 100) {
            problems.add(new ConfigProblem(path + ".shares.critical", shares.get(Priority.CRITICAL)
                    + " must be 100 (health checks may always use the whole capacity)"));
        }
        Priority above = Priority.CRITICAL;
        for (Priority priority : List.of(Priority.HIGH, Priority.NORMAL, Priority.BULK)) {
            int share = shares.get(priority);
            String at = path + ".shares." + name(priority);
            if (share < 1 || share > 100) {
                problems.add(new ConfigProblem(at, share + " must be a percentage between 1 and 100"));
            } else if (share > shares.get(above)) {
                problems.add(new ConfigProblem(at, share + " is more than the share of " + name(above) + " ("
                        + shares.get(above) + "): a lower class must not use more of the capacity than a higher one"));
            }
            above = priority;
        }
        return problems;
    }

    /** @return how many requests of {@code priority} may be in progress at once */
    public int limit(Priority priority) {
        return limitOf(maxConcurrent, shares.get(priority));
    }

    private static boolean positive(Duration value, String path, List<ConfigProblem> problems) {
        if (value == null) {
            problems.add(new ConfigProblem(path, "is required (expected a duration such as 1s)"));
            return false;
        }
        if (value.isNegative() || value.isZero()) {
            problems.add(new ConfigProblem(path, value.toMillis() + "ms must be positive"));
            return false;
        }
        return true;
    }

    private static String name(Priority priority) {
        return priority.name().toLowerCase(Locale.ROOT);
    }

    private static Map<Priority, Integer> shares(int critical, int high, int normal, int bulk) {
        EnumMap<Priority, Integer> shares = new EnumMap<>(Priority.class);
        shares.put(Priority.CRITICAL, critical);
        shares.put(Priority.HIGH, high);
        shares.put(Priority.NORMAL, normal);
        shares.put(Priority.BULK, bulk);
        return Collections.unmodifiableMap(shares);
    }

    /** Builds a {@link LoadSheddingConfig} from {@link #DEFAULT}; the route compiler validates it. Not thread-safe. */
    public static final class Builder {
        private boolean enabled = DEFAULT.enabled;
        private int maxConcurrent = DEFAULT.maxConcurrent;
        private int queue = DEFAULT.queue;
        private Duration queueTimeout = DEFAULT.queueTimeout;
        private Duration retryAfter = DEFAULT.retryAfter;
        private final EnumMap<Priority, Integer> shares = new EnumMap<>(DEFAULT_SHARES);

        private Builder() {
        }

        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        public Builder maxConcurrent(int maxConcurrent) {
            this.maxConcurrent = maxConcurrent;
            return this;
        }

        public Builder queue(int queue) {
            this.queue = queue;
            return this;
        }

        public Builder queueTimeout(Duration queueTimeout) {
            this.queueTimeout = queueTimeout;
            return this;
        }

        public Builder retryAfter(Duration retryAfter) {
            this.retryAfter = retryAfter;
            return this;
        }

        /** Sets the percentage of {@code maxConcurrent} requests of {@code priority} may fill. */
        public Builder share(Priority priority, int percent) {
            shares.put(priority, percent);
            return this;
        }

        public LoadSheddingConfig build() {
            return new LoadSheddingConfig(enabled, maxConcurrent, queue, queueTimeout, retryAfter, shares);
        }
    }
}
