package dev.bulwark.core.ratelimit;

import dev.bulwark.api.store.RateLimitDecision;
import dev.bulwark.api.store.RateLimitRule;
import dev.bulwark.api.store.RateLimitStore;

import org.bouncycastle.crypto.macs.SipHash;
import org.bouncycastle.crypto.params.KeyParameter;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link RateLimitStore} in this process's memory, for a single gateway node: the GCRA of the interface,
 * one theoretical arrival time per key.
 *
 * <p>Keys are not kept as strings. Each is reduced to a 64-bit fingerprint, SipHash-2-4 under a key drawn at
 * random for this store, so nobody can choose two keys that share a bucket; two different keys collide by
 * chance with a probability of about n²/2⁶⁵ (10⁻⁹ for the default 200,000 keys). A key is then one pair of
 * {@code long}s, fingerprint and theoretical arrival time, in an open-addressing table: a decision reads one
 * cache line instead of following a map entry, a key string and a cell, and the store holds 32 to 64 bytes a
 * key (two to four 16-byte slots) instead of about 150.
 *
 * <p>Bounded in keys, so a spray of random client addresses cannot grow the heap: keys live in 64 stripes,
 * each holding at most {@code maxKeys / 64} keys in a table grown on demand up to twice that many slots. When
 * a stripe is full, a new key replaces the one among {@value #EVICTION_SCAN} held keys (where a hand sweeping the
 * table points) whose theoretical arrival time is earliest: an expired key (equivalent to an absent one) when
 * there is one, else the key closest to a fresh burst. Keys being limited are far ahead of the clock and stay.
 * No background thread.
 *
 * <p>Thread-safe: a decision holds its stripe's lock for one fingerprint, one probe and a few arithmetic
 * operations, so concurrent requests for one key are serialised and never exceed the rule. Every stage is
 * complete when returned; this store never fails.
 */
public final class InMemoryRateLimitStore implements RateLimitStore {

    private static final int STRIPES = 64;
    /** How many held keys a full stripe looks at to choose the one a new key replaces. */
    private static final int EVICTION_SCAN = 8;
    /** Slots a stripe starts with; it doubles while more than half are taken, up to its maximum. */
    private static final int INITIAL_SLOTS = 64;
    /** The fingerprint of an empty slot; a key whose fingerprint is 0 is stored as 1. */
    private static final long EMPTY = 0;

    /**
     * One stripe: an open-addressing table with linear probing, slot {@code i} at {@code slots[2i]} (the
     * fingerprint) and {@code slots[2i + 1]} (the theoretical arrival time, in microseconds). Guarded by its
     * own lock, which also guards its SipHash state.
     */
    private static final class Stripe {
        final SipHash fingerprints = new SipHash();
        long[] slots = new long[2 * INITIAL_SLOTS];
        int size;
        /**
         * Where the next eviction starts looking: it sweeps the table, so removals are spread over it. Starting
         * where the new key goes would take keys from the run after it and let the insert join the two runs,
         * and the runs would grow without bound.
         */
        int hand;

        Stripe(KeyParameter secret) {
            fingerprints.init(secret);
        }

        long fingerprint(String key) {
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            fingerprints.update(bytes, 0, bytes.length);
            long fingerprint = fingerprints.doFinal();
            return fingerprint == EMPTY ? 1 : fingerprint;
        }

        int mask() {
            return (slots.length >>> 1) - 1;
        }

        /** @return the slot holding {@code fingerprint}, or {@code -1 - s} where {@code s} is where it would go */
        int find(long fingerprint) {
            int mask = mask();
            for (int i = (int) fingerprint & mask; ; i = (i + 1) & mask) {
                long held = slots[2 * i];
                if (held == fingerprint) {
                    return i;
                }
                if (held == EMPTY) {
                    return -1 - i;
                }
            }
        }

        void put(int slot, long fingerprint, long tat) {
            slots[2 * slot] = fingerprint;
            slots[2 * slot + 1] = tat;
            size++;
        }

        void grow() {
            long[] old = slots;
            slots = new long[old.length * 2];
            size = 0;
            for (int i = 0; i < old.length; i += 2) {
                if (old[i] != EMPTY) {
                    put(-1 - find(old[i]), old[i], old[i + 1]);
                }
            }
        }

        /**
         * Empties the slot the eviction policy picks among the {@value #EVICTION_SCAN} held keys from the
         * hand on: the first expired one, else the earliest; the hand moves past it.
         */
        void evictOne(long now) {
            int mask = mask();
            int victim = -1;
            int scan = Math.min(EVICTION_SCAN, size);
            for (int i = hand & mask, seen = 0; seen < scan; i = (i + 1) & mask) {
                if (slots[2 * i] == EMPTY) {
                    continue;
                }
                seen++;
                if (victim < 0 || slots[2 * i + 1] < slots[2 * victim + 1]) {
                    victim = i;
                }
                if (slots[2 * victim + 1] <= now) {
                    break;
                }
            }
            hand = (victim + 1) & mask;
            removeAt(victim);
        }

        /** Empties slot {@code hole}, moving later keys of its probe run back so every key stays findable. */
        void removeAt(int hole) {
            int mask = mask();
            for (int j = (hole + 1) & mask; slots[2 * j] != EMPTY; j = (j + 1) & mask) {
                int home = (int) slots[2 * j] & mask;
                boolean homeBetween = hole <= j ? hole < home && home <= j : hole < home || home <= j;
                if (!homeBetween) {
                    slots[2 * hole] = slots[2 * j];
                    slots[2 * hole + 1] = slots[2 * j + 1];
                    hole = j;
                }
            }
            slots[2 * hole] = EMPTY;
            slots[2 * hole + 1] = 0;
            size--;
        }
    }

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final int keysPerStripe;
    private final int maxSlotsPerStripe;

    /**
     * @param maxKeys the most keys held at once; rounded up to a multiple of 64
     * @throws IllegalArgumentException when {@code maxKeys} is not positive
     */
    public InMemoryRateLimitStore(int maxKeys) {
        if (maxKeys <= 0) {
            throw new IllegalArgumentException("rate limit store max keys must be positive: " + maxKeys);
        }
        this.keysPerStripe = (maxKeys + STRIPES - 1) / STRIPES;
        this.maxSlotsPerStripe = Math.max(INITIAL_SLOTS, Integer.highestOneBit(keysPerStripe * 2 - 1) << 1);
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        KeyParameter key = new KeyParameter(secret);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe(key);
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
            long fingerprint = stripe.fingerprint(key);
            int slot = stripe.find(fingerprint);
            long tat = slot < 0 ? now : Math.max(stripe.slots[2 * slot + 1], now);
            long newTat = tat + interval * permits;
            long allowAt = newTat - tolerance;
            if (now < allowAt) {
                // clamped: a key stored under an earlier, larger burst can be further ahead than this rule allows
                return new RateLimitDecision(false, Math.max(0, (now + tolerance - tat) / interval),
                        ceilMillis(tat - now), ceilMillis(allowAt - now));
            }
            if (slot >= 0) {
                stripe.slots[2 * slot + 1] = newTat;
            } else {
                insert(stripe, fingerprint, newTat, now, -1 - slot);
            }
            return new RateLimitDecision(true, (now + tolerance - newTat) / interval, ceilMillis(newTat - now), 0);
        }
    }

    /** Adds a key that {@link Stripe#find} placed at {@code slot}, making room first; must hold the lock. */
    private void insert(Stripe stripe, long fingerprint, long tat, long now, int slot) {
        if (stripe.size >= keysPerStripe) {
            stripe.evictOne(now);
            slot = -1 - stripe.find(fingerprint);
        } else if (2 * (stripe.size + 1) > stripe.slots.length >>> 1
                && stripe.slots.length >>> 1 < maxSlotsPerStripe) {
            stripe.grow();
            slot = -1 - stripe.find(fingerprint);
        }
        stripe.put(slot, fingerprint, tat);
    }

    /** @return the number of keys held, including expired ones not yet dropped */
    public int size() {
        int size = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                size += stripe.size;
            }
        }
        return size;
    }

    /** @return the longest run of taken slots in any stripe: how far a probe can have to walk */
    int longestProbeRun() {
        int longest = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                int slots = stripe.slots.length >>> 1;
                int run = 0;
                for (int i = 0; i < 2 * slots; i++) {
                    run = stripe.slots[2 * (i % slots)] == EMPTY ? 0 : run + 1;
                    longest = Math.max(longest, Math.min(run, slots));
                }
            }
        }
        return longest;
    }

    /** @return the most keys this store holds at once */
    public int maxKeys() {
        return keysPerStripe * STRIPES;
    }

    private static long ceilMillis(long micros) {
        return (micros + 999) / 1_000;
    }
}
