package dev.bulwark.core.auth.apikey;

import dev.bulwark.api.store.RateLimitRule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code auth.apiKeys} section: how many refused API keys one client address may present before it is
 * refused outright. Immutable.
 *
 * @param failureLimit  refused keys per {@code failurePeriod} and client address (an IPv6 client counts by its /64)
 * @param failurePeriod the period; a client that keeps guessing gets {@code failureLimit} tries per period
 */
public record ApiKeyConfig(int failureLimit, Duration failurePeriod) {

    /** 10 refused keys a minute per client address. */
    public static final ApiKeyConfig DEFAULT = new ApiKeyConfig(10, Duration.ofMinutes(1));

    /** @return problems as {@code key: message} pairs relative to {@code auth.apiKeys}, empty when valid */
    public List<String[]> problems() {
        List<String[]> problems = new ArrayList<>();
        if (failureLimit < 1 || failureLimit > 1_000_000) {
            problems.add(new String[] {"failureLimit", failureLimit + " must be 1 to 1000000"});
        }
        if (failurePeriod == null || failurePeriod.compareTo(Duration.ofSeconds(1)) < 0
                || failurePeriod.compareTo(Duration.ofDays(1)) > 0) {
            problems.add(new String[] {"failurePeriod", (failurePeriod == null ? "null"
                    : failurePeriod.toString().substring(2).toLowerCase()) + " must be 1s to 1d"});
        }
        return problems;
    }

    /**
     * @return the GCRA rule failures are counted with: {@code failureLimit} per period, all of which may come at
     *     once
     * @throws IllegalArgumentException when the values are out of range (see {@link #problems()})
     */
    public RateLimitRule rule() {
        return RateLimitRule.of(failureLimit, failurePeriod);
    }
}
