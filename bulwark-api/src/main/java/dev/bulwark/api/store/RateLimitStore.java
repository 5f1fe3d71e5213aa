package dev.bulwark.api.store;

import java.util.concurrent.CompletionStage;

/**
 * Counts requests per key and decides whether one more may pass, with the generic cell rate algorithm
 * (GCRA): exact, no fixed windows, one number of state per key.
 *
 * <p><b>The algorithm</b>, which every implementation computes identically (the in-memory store in Java, the
 * Redis store in one Lua script). All quantities are whole microseconds and stay below 2<sup>53</sup>, so a
 * script working in double-precision numbers gets the same results. With {@code T =
 * rule.emissionIntervalMicros()}, {@code tau = rule.toleranceMicros()} and {@code now = nowMillis * 1000}:
 * <pre>
 *   tat      = max(stored theoretical arrival time, or now when the key is absent, now)
 *   newTat   = tat + T * permits
 *   allowAt  = newTat - tau
 *   if now &lt; allowAt:   refused;  state unchanged
 *                        remaining  = floor((now + tau - tat) / T)
 *                        resetAfter = tat - now
 *                        retryAfter = allowAt - now
 *   else:               allowed;  store newTat, expiring after newTat - now (then the key is "absent" again)
 *                        remaining  = floor((now + tau - newTat) / T)
 *                        resetAfter = newTat - now
 * </pre>
 * Durations in the {@link RateLimitDecision} are rounded up to whole milliseconds.
 *
 * <p><b>Time is an argument</b>, read by the caller from its injected clock, so that every node of a cluster
 * and every implementation agree on the arithmetic and tests can move time; implementations never read a
 * clock of their own for the decision. Keys are opaque: callers namespace them (tier name, key parts) before
 * calling.
 *
 * <p>Implementations are thread-safe and make each decision atomically (a lock or one Lua script), so
 * concurrent requests for one key on any number of threads or nodes never get more than the rule allows.
 * They never block the caller: waiting is expressed through the returned stage. When the store cannot decide
 * (backend down) the stage fails with {@link StoreUnavailableException}; what happens then is the caller's
 * per-tier policy. {@code null} arguments, empty keys, non-positive permits and permits above the rule's
 * burst (which could never be granted) are programming errors and throw at once.
 */
public interface RateLimitStore {

    /**
     * Decides whether {@code permits} more requests may pass for {@code key} at {@code nowMillis}, and counts
     * them when they may. One atomic operation.
     *
     * @param key       the namespaced key
     * @param rule      the limit, period and burst
     * @param nowMillis the caller's clock, milliseconds since the epoch
     * @param permits   how many requests this counts as, from 1 to {@code rule.burst()}
     * @return the decision
     * @throws IllegalArgumentException when {@code key} is empty or {@code permits} is out of range
     */
    CompletionStage<RateLimitDecision> acquire(String key, RateLimitRule rule, long nowMillis, int permits);
}
