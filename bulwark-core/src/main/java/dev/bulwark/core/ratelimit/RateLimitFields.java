package dev.bulwark.core.ratelimit;

import dev.bulwark.api.Headers;
import dev.bulwark.api.store.RateLimitDecision;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the rate-limit response fields of one route's tiers: {@code RateLimit-Policy} and {@code RateLimit}
 * (draft-ietf-httpapi-ratelimit-headers, one item per tier) and the legacy
 * {@code X-RateLimit-Limit/Remaining/Reset} of one tier.
 *
 * <p>They are on every response of a limited route, so the values are built as US-ASCII bytes
 * ({@link Headers#setAscii}): the parts that never change (the policy, each tier's limit and item prefix)
 * are encoded once here, and the numbers are written straight into the value. Immutable and thread-safe.
 */
final class RateLimitFields {

    private static final byte[] RESET_PART = bytes(";t=");
    private static final byte[] ITEM_SEPARATOR = bytes(", ");

    private final byte[] policy;
    /** Per tier: {@code "name";r=}, the start of its {@code RateLimit} item. */
    private final byte[][] itemPrefixes;
    /** Per tier: its limit, the {@code X-RateLimit-Limit} value. */
    private final byte[][] limits;

    /** @param tiers the route's tiers, in the order the decisions are given */
    RateLimitFields(List<RateLimitTier> tiers) {
        this.policy = bytes(String.join(", ", tiers.stream().map(RateLimitTier::policyItem).toList()));
        this.itemPrefixes = tiers.stream().map(tier -> bytes("\"" + tier.name() + "\";r=")).toArray(byte[][]::new);
        this.limits = tiers.stream().map(tier -> bytes(Long.toString(tier.rule().limit()))).toArray(byte[][]::new);
    }

    /**
     * Writes the fields, replacing any of the same names. {@code RateLimit} lists the tiers that were decided
     * (a {@code null} decision is a tier not checked); without any, it is removed and the legacy trio is not
     * written.
     *
     * @param decisions per tier, in order; {@code null} where the tier was not decided
     * @param focus     the tier the legacy trio describes (the refusing one), or {@code -1} for the decided tier
     *                  with the fewest requests remaining
     * @param nowMillis the time of the decisions, for {@code X-RateLimit-Reset} (epoch seconds)
     */
    void write(Headers headers, RateLimitDecision[] decisions, int focus, long nowMillis) {
        headers.setAscii("RateLimit-Policy", policy);
        int closest = focus;
        int length = 0;
        for (int i = 0; i < decisions.length; i++) {
            RateLimitDecision decision = decisions[i];
            if (decision == null) {
                continue;
            }
            length += (length == 0 ? 0 : ITEM_SEPARATOR.length) + itemPrefixes[i].length
                    + digits(decision.remaining()) + RESET_PART.length
                    + digits(seconds(decision.resetAfterMillis()));
            if (focus < 0 && (closest < 0 || decision.remaining() < decisions[closest].remaining())) {
                closest = i;
            }
        }
        if (closest < 0) {
            headers.remove("RateLimit");
            return;
        }
        byte[] current = new byte[length];
        int at = 0;
        for (int i = 0; i < decisions.length; i++) {
            RateLimitDecision decision = decisions[i];
            if (decision == null) {
                continue;
            }
            if (at > 0) {
                at = put(current, at, ITEM_SEPARATOR);
            }
            at = put(current, at, itemPrefixes[i]);
            at = put(current, at, decision.remaining());
            at = put(current, at, RESET_PART);
            at = put(current, at, seconds(decision.resetAfterMillis()));
        }
        headers.setAscii("RateLimit", current);
        RateLimitDecision decision = decisions[closest];
        headers.setAscii("X-RateLimit-Limit", limits[closest]);
        headers.setAscii("X-RateLimit-Remaining", ascii(decision.remaining()));
        headers.setAscii("X-RateLimit-Reset", ascii(seconds(nowMillis + decision.resetAfterMillis())));
    }

    /** Whole seconds, rounded up: a client that waits this long is never early. */
    static long seconds(long millis) {
        return (millis + 999) / 1000;
    }

    /** @return {@code value} (not negative, as every decision's numbers) in decimal, as US-ASCII bytes */
    static byte[] ascii(long value) {
        byte[] text = new byte[digits(value)];
        put(text, 0, value);
        return text;
    }

    /** @return how many decimal digits {@code value} (not negative) takes */
    static int digits(long value) {
        long bound = 10;
        for (int digits = 1; digits < 19; digits++) {
            if (value < bound) {
                return digits;
            }
            bound *= 10;
        }
        return 19;
    }

    /** Writes {@code value} (not negative) in decimal at {@code at}. @return the index after it */
    private static int put(byte[] into, int at, long value) {
        int end = at + digits(value);
        for (int i = end - 1; i >= at; i--) {
            long rest = value / 10;
            into[i] = (byte) ('0' + (value - rest * 10));
            value = rest;
        }
        return end;
    }

    private static int put(byte[] into, int at, byte[] part) {
        System.arraycopy(part, 0, into, at, part.length);
        return at + part.length;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
