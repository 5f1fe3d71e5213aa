package dev.bulwark.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that stands still until a test moves it, so expiry, windows and lockouts are tested without
 * sleeping.
 *
 * <p>Starts at {@link #DEFAULT_START} (or a given instant) in UTC. Thread-safe: filters on other threads see a
 * move as soon as {@link #advance(Duration)} or {@link #set(Instant)} returns. Clocks derived with
 * {@link #withZone(ZoneId)} share this clock's time.
 */
public final class FakeClock extends Clock {

    /** Where a clock made with {@link #FakeClock()} starts: 2025-01-01T00:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /** A clock at {@link #DEFAULT_START}. */
    public FakeClock() {
        this(DEFAULT_START);
    }

    /** A clock at {@code start}. */
    public FakeClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private FakeClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /**
     * Moves the clock forward.
     *
     * @return the new time
     * @throws IllegalArgumentException when {@code by} is negative; use {@link #set(Instant)} to go back
     */
    public Instant advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("advance must not be negative: " + by);
        }
        return now.updateAndGet(t -> t.plus(by));
    }

    /** Moves the clock to {@code instant}, forward or back (to test clock skew). */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public long millis() {
        return now.get().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new FakeClock(now, Objects.requireNonNull(zone, "zone"));
    }

    @Override
    public String toString() {
        return "FakeClock[" + now.get() + "]";
    }
}
