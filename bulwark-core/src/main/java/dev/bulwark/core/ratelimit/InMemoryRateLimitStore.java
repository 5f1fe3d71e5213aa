package dev.bulwark.core.ratelimit;

import dev.bulwark.api.store.RateLimitDecision;
import dev.bulwark.api.store.RateLimitRule;
import dev.bulwark.api.store.RateLimitStore;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link RateLimitStore} in this process's memory, for a single gateway node: the GCRA of the interface,
 * one {@code long} per key.
 *
 * <p>Bounded in keys, so a spray of random client addresses cannot grow the heap: keys live in 64 stripes,
 * each a least-recently-used map holding at most {@code maxKeys / 64} keys. When a stripe is full, a key whose
 * theoretical arrival time has passed (equivalent to an absent key) is dropped first; only when the oldest
 * few are all live is the least recently used live key dropped, which gives that one key a fresh burst. Busy
 * keys (the ones being limited) are recently used and stay. No background thread.
 *
 * <p>Thread-safe: a decision holds its stripe's lock for one map lookup and a few arithmetic operations, so
 * concurrent requests for one key are serialised and never exceed the rule. Every stage is complete when
 * returned; this store never fails.
 */
public final class InMemoryRateLimitStore implements RateLimitStore {

    private static final int STRIPES = 64;
    /** How many of a full stripe's oldest keys are looked at for an expired one before a live one is dropped. */
    private static final int EXPIRED_SCAN = 8;

    /** The mutable state of one key; guarded by its stripe's lock. */
    private static final class Cell {
        long tat;

        Cell(long tat) {
            this.tat = tat;
        }
    }

    private static final class Stripe extends LinkedHashMap<String, Cell> {
        Stripe(int capacity) {
            super(Math.min(capacity, 1 << 16), 0.75f, true);
        }
    }

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final int keysPerStripe;

    /**
     * @param maxKeys the most keys held at once; rounded up to a multiple of 64
     * @throws IllegalArgumentException when {@code maxKeys} is not positive
     */
    public InMemoryRateLimitStore(int maxKeys) {
        if (maxKeys <= 0) {
            throw new IllegalArgumentException("rate limit store max keys must be positive: " + maxKeys);
        }
        this.keysPerStripe = (maxKeys + STRIPES - 1) / STRIPES;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe(keysPerStripe);
        }
    }

    @Override
    public CompletionStage<RateLimitDecision> acquire(String key, RateLimitRule rule, long nowMillis, int permits) {
        return CompletableFuture.completedFuture(decide(key, rule, nowMillis, permits));
    }

    /**
     * The same decision as {@link #acquire}, without the stage: for callers on the hot path that know they
     * hold this store.
     */
    public RateLimitDecision decide(String key, RateLimitRule rule, long nowMillis, int permits) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(rule, "rule");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("rate limit key must not be empty");
        }
        if (permits < 1 || permits > rule.burst()) {
            throw new IllegalArgumentException("rate limit permits must be between 1 and the burst "
                    + rule.burst() + ": " + permits);
        }
        long interval = rule.emissionIntervalMicros();
        long tolerance = rule.toleranceMicros();
        long now = Math.multiplyExact(nowMillis, 1_000L);
        int h = key.hashCode();
        Stripe stripe = stripes[(h ^ (h >>> 16)) & (STRIPES - 1)];
        synchronized (stripe) {
            Cell cell = stripe.get(key);
            long tat = cell == null ? now : Math.max(cell.tat, now);
            long newTat = tat + interval * permits;
            long allowAt = newTat - tolerance;
            if (now < allowAt) {
                // clamped: a key stored under an earlier, larger burst can be further ahead than this rule allows
                return new RateLimitDecision(false, Math.max(0, (now + tolerance - tat) / interval),
                        ceilMillis(tat - now), ceilMillis(allowAt - now));
            }
            if (cell == null) {
                stripe.put(key, new Cell(newTat));
                if (stripe.size() > keysPerStripe) {
                    evictOne(stripe, now);
                }
            } else {
                cell.tat = newTat;
            }
            return new RateLimitDecision(true, (now + tolerance - newTat) / interval, ceilMillis(newTat - now), 0);
        }
    }

    /** @return the number of keys held, including expired ones not yet dropped */
    public int size() {
        int size = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                size += stripe.size();
            }
        }
        return size;
    }

    /** @return the most keys this store holds at once */
    public int maxKeys() {
        return keysPerStripe * STRIPES;
    }

    /** Drops one key from a full stripe, preferring an expired one; must hold the stripe's lock. */
    private static void evictOne(Stripe stripe, long now) {
        Iterator<Map.Entry<String, Cell>> it = stripe.entrySet().iterator();
        for (int i = 0; i < EXPIRED_SCAN && it.hasNext(); i++) {
            if (it.next().getValue().tat <= now) {
                it.remove();
                return;
            }
        }
        it = stripe.entrySet().iterator();
        it.next();
        it.remove();
    }

    private static long ceilMillis(long micros) {
        return (micros + 999) / 1_000;
    }
}
