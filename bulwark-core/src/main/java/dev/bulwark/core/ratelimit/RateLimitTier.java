package dev.bulwark.core.ratelimit;

import dev.bulwark.api.Exchange;
import dev.bulwark.api.store.RateLimitRule;
import dev.bulwark.core.config.ConfigProblem;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A named rate-limit tier ready to apply: its rule, its key parts, its store-failure policy, and its
 * {@code RateLimit-Policy} item. Built once when routes are compiled and shared by every route that lists
 * it (they share its buckets too: the route is only part of the key when {@code route} is a key part).
 * Immutable and thread-safe.
 */
public final class RateLimitTier {

    /** Tier names appear in keys and in quoted header items, so they are kept to a safe alphabet. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** The word a route writes to turn rate limiting off, so no tier may be called that. */
    public static final String NONE = "none";

    private final String name;
    private final RateLimitRule rule;
    private final KeySource[] parts;
    private final OnStoreFailure onStoreFailure;
    private final String policyItem;

    /**
     * @param name   the tier's name, as routes reference it
     * @param config its settings
     * @throws IllegalArgumentException when {@link #problems} would report anything
     */
    public RateLimitTier(String name, RateLimitConfig config) {
        List<ConfigProblem> problems = problems(name, config, "rateLimits." + name);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.getFirst().toString());
        }
        this.name = name;
        long limit = config.limit();
        this.rule = new RateLimitRule(limit, config.period(), config.burst() == null ? limit : config.burst());
        this.parts = config.effectiveKey().stream().map(KeySource::parse).toArray(KeySource[]::new);
        this.onStoreFailure = config.effectiveOnStoreFailure();
        this.policyItem = policyItem(name, rule);
    }

    /**
     * Checks one tier as configured.
     *
     * @param name   the tier's name
     * @param config its settings
     * @param path   the tier's key path, e.g. {@code rateLimits.auth}
     * @return every problem found, each naming its key path; empty when the tier is valid
     */
    public static List<ConfigProblem> problems(String name, RateLimitConfig config, String path) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (name == null || !NAME.matcher(name).matches()) {
            problems.add(new ConfigProblem(path, ConfigProblem.quote(String.valueOf(name)) + " is not a valid tier name"
                    + " (expected up to 64 letters, digits, '.', '_' or '-')"));
        } else if (name.equals(NONE)) {
            problems.add(new ConfigProblem(path, "\"none\" is reserved (a route writes rateLimit: none to turn limits off)"));
        }
        if (config == null) {
            problems.add(new ConfigProblem(path, "is empty (expected limit, period and key)"));
            return problems;
        }
        boolean numbersOk = true;
        if (config.limit() == null) {
            problems.add(new ConfigProblem(path + ".limit", "is required (expected requests per period, e.g. 100)"));
            numbersOk = false;
        } else if (config.limit() <= 0 || config.limit() > RateLimitRule.MAX_COUNT) {
            problems.add(new ConfigProblem(path + ".limit", config.limit() + " must be between 1 and " + RateLimitRule.MAX_COUNT));
            numbersOk = false;
        }
        if (config.period() == null) {
            problems.add(new ConfigProblem(path + ".period", "is required (expected a duration such as 1s, 1m or 15m)"));
            numbersOk = false;
        } else if (config.period().toMillis() < 1 || config.period().compareTo(RateLimitRule.MAX_PERIOD) > 0) {
            problems.add(new ConfigProblem(path + ".period", config.period().toMillis() + "ms must be between 1ms and 366d"));
            numbersOk = false;
        }
        if (config.burst() != null && (config.burst() <= 0 || config.burst() > RateLimitRule.MAX_COUNT)) {
            problems.add(new ConfigProblem(path + ".burst", config.burst() + " must be between 1 and " + RateLimitRule.MAX_COUNT));
            numbersOk = false;
        }
        if (numbersOk) {
            try {
                new RateLimitRule(config.limit(), config.period(), config.burst() == null ? config.limit() : config.burst());
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(path + ".burst", e.getMessage()));
            }
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < config.key().size(); i++) {
            String part = config.key().get(i);
            try {
                KeySource.parse(part);
                if (!seen.add(part)) {
                    problems.add(new ConfigProblem(path + ".key[" + i + "]", ConfigProblem.quote(part) + " is listed twice"));
                }
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(path + ".key[" + i + "]", e.getMessage()));
            }
        }
        return problems;
    }

    /** @return the name routes reference */
    public String name() {
        return name;
    }

    /** @return the limit, period and burst */
    public RateLimitRule rule() {
        return rule;
    }

    /** @return whether a key part comes from authentication, so the tier must run after it */
    public boolean needsIdentity() {
        return Arrays.stream(parts).anyMatch(KeySource::needsIdentity);
    }

    /** @return the key parts, as configured */
    public List<String> keyParts() {
        return Arrays.stream(parts).map(KeySource::spec).toList();
    }

    /** @return what happens when the store cannot decide */
    public OnStoreFailure onStoreFailure() {
        return onStoreFailure;
    }

    /**
     * @return this tier's item of the {@code RateLimit-Policy} field, e.g. {@code "general";q=500;w=900}; a
     *     period that is not whole seconds is advertised over the next whole second with the quota scaled
     *     down to fit, because the field only carries whole seconds
     */
    public String policyItem() {
        return policyItem;
    }

    /**
     * @return the store key for {@code exchange}: the tier name and each part's value, separated by
     *     {@code |}, e.g. {@code general|203.0.113.10}
     */
    public String key(Exchange exchange) {
        StringBuilder key = new StringBuilder(name.length() + 24 * parts.length).append(name);
        for (KeySource part : parts) {
            key.append('|').append(part.value(exchange));
        }
        return key.toString();
    }

    private static String policyItem(String name, RateLimitRule rule) {
        long periodMillis = rule.period().toMillis();
        long window = Math.max(1, (periodMillis + 999) / 1000);
        long quota = periodMillis == window * 1000
                ? rule.limit()
                : Math.max(1, (long) Math.floor((double) rule.limit() * window * 1000.0 / periodMillis));
        return "\"" + name + "\";q=" + quota + ";w=" + window;
    }

    @Override
    public String toString() {
        return "RateLimitTier[" + name + ": " + rule.limit() + " per " + rule.period() + ", burst " + rule.burst()
                + ", key " + keyParts() + ", on store failure " + onStoreFailure + "]";
    }
}
