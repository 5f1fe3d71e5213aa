package dev.bulwark.core.shedding;

import dev.bulwark.api.Exchange;
import dev.bulwark.api.Reason;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Reports a flood of one kind of refusal as at most one security event per interval, each counting the
 * refusals since the previous one by priority class, so an overload does not also flood the security log.
 * The first refusal is reported at once. Callers count every refusal in metrics themselves.
 *
 * <p>Thread-safe and lock-free; {@link #refused} allocates only when it emits.
 */
public final class RefusalDigest {

    /** How often a continuing flood is reported. */
    public static final Duration INTERVAL = Duration.ofSeconds(1);

    private static final Priority[] CLASSES = Priority.values();

    private final Reason reason;
    private final String source;
    private final String subject;
    private final long intervalMillis;
    private final AtomicLongArray counts = new AtomicLongArray(CLASSES.length);
    private final AtomicLong lastReport = new AtomicLong(Long.MIN_VALUE);

    /**
     * @param reason   the reason of the refusals and of the reports
     * @param source   the refusing feature, e.g. {@code "load-shedding"}
     * @param subject  what refuses, named in every report, e.g. {@code "the gateway"} or
     *                 {@code "upstream billing"}
     * @param interval the shortest time between two reports
     */
    public RefusalDigest(Reason reason, String source, String subject, Duration interval) {
        this.reason = reason;
        this.source = source;
        this.subject = subject;
        this.intervalMillis = interval.toMillis();
    }

    /**
     * Counts one refusal of {@code exchange}; emits a report through it when the previous one is at least an
     * interval old (by the exchange's clock).
     *
     * @param why the cause, e.g. {@code "the queue is full"}
     */
    public void refused(Exchange exchange, Priority priority, String why) {
        counts.incrementAndGet(priority.ordinal());
        long now = exchange.clock().millis();
        long last = lastReport.get();
        if (last != Long.MIN_VALUE && now - last < intervalMillis) {
            return;
        }
        if (!lastReport.compareAndSet(last, now)) {
            return;
        }
        StringBuilder detail = new StringBuilder(96).append(subject).append(" refused ");
        long total = 0;
        StringBuilder byClass = new StringBuilder();
        for (Priority each : CLASSES) {
            long count = counts.getAndSet(each.ordinal(), 0);
            if (count > 0) {
                total += count;
                byClass.append(byClass.isEmpty() ? "" : ", ").append(each.name().toLowerCase(Locale.ROOT))
                        .append(' ').append(count);
            }
        }
        detail.append(total).append(total == 1 ? " request" : " requests")
                .append(last == Long.MIN_VALUE ? "" : " in the last " + (now - last) + " ms")
                .append(" (").append(byClass).append("), the latest because ").append(why);
        exchange.emit(reason, source, detail.toString());
    }
}
