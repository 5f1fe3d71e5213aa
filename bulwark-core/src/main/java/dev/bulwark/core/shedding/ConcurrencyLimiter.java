package dev.bulwark.core.shedding;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps how many requests are in progress at once, with a short queue and priority classes: each
 * {@link Priority} may fill only its share of the capacity, waiting requests are admitted highest class first
 * (oldest first within a class), and when the queue is full a newcomer takes the place of the newest waiting
 * request of a lower class, which is shed. So under overload the lowest class is shed first, and a flood of it
 * cannot keep a higher class from being served.
 *
 * <p>Below the limit with nobody waiting, {@link #tryAcquire} is one compare-and-set on a counter and allocates
 * nothing. The queue is taken only when the limit is reached.
 *
 * <p>Thread-safe. A {@link Waiter} is told exactly once, {@link Waiter#admitted()} or {@link Waiter#shed}, or
 * taken back with {@link #cancel} (then it is told nothing); callbacks run on the thread that decided, never
 * while the limiter holds its lock. Every admission, direct or from the queue, must be paired with one
 * {@link #release()}.
 */
public final class ConcurrencyLimiter {

    /** Why a request was shed. */
    public enum ShedCause {
        /** Its class's share of the capacity is in use and there is no queue. */
        OVER_CAPACITY,
        /** The queue is full of requests of the same or a higher class. */
        QUEUE_FULL,
        /** It waited in the queue and a request of a higher class took its place. */
        DISPLACED,
        /** It waited in the queue longer than the queue timeout (reported by the host, see {@link #cancel}). */
        QUEUE_TIMEOUT
    }

    /** A request waiting for a slot. Implementations must be cheap: they are called on the deciding thread. */
    public interface Waiter {

        /** @return the class of the waiting request; must not change */
        Priority priority();

        /** The request now holds a slot; the host must {@link #release()} it when the request is done. */
        void admitted();

        /** The request will not get a slot. */
        void shed(ShedCause cause);
    }

    private static final Priority[] CLASSES = Priority.values();

    private final int maxConcurrent;
    private final int[] limits;
    private final int queueCapacity;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Waiting requests, plus one while an {@link #enqueue} checks for a slot (so a release cannot miss it). */
    private final AtomicInteger queued = new AtomicInteger();
    private final Object lock = new Object();
    private final ArrayDeque<Waiter>[] waiting;
    private int waitingCount;

    /**
     * @param maxConcurrent requests in progress at once, at least 1
     * @param queueCapacity requests that may wait, 0 or more
     * @param sharePercent  each class's share of {@code maxConcurrent} in percent, indexed by
     *                      {@link Priority#ordinal()}; must not grow towards lower classes
     * @throws IllegalArgumentException when a number is out of range
     */
    @SuppressWarnings("unchecked")
    public ConcurrencyLimiter(int maxConcurrent, int queueCapacity, int[] sharePercent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("max concurrent must be positive: " + maxConcurrent);
        }
        if (queueCapacity < 0) {
            throw new IllegalArgumentException("queue must not be negative: " + queueCapacity);
        }
        if (sharePercent.length != CLASSES.length) {
            throw new IllegalArgumentException("one share per priority class expected: " + sharePercent.length);
        }
        this.maxConcurrent = maxConcurrent;
        this.queueCapacity = queueCapacity;
        this.limits = new int[CLASSES.length];
        for (int i = 0; i < CLASSES.length; i++) {
            if (sharePercent[i] < 1 || sharePercent[i] > 100 || (i > 0 && sharePercent[i] > sharePercent[i - 1])) {
                throw new IllegalArgumentException("share of " + CLASSES[i] + " must be 1..100 and at most the"
                        + " share of the class above: " + sharePercent[i]);
            }
            limits[i] = LoadSheddingConfig.limitOf(maxConcurrent, sharePercent[i]);
        }
        this.waiting = new ArrayDeque[CLASSES.length];
        for (int i = 0; i < CLASSES.length; i++) {
            waiting[i] = new ArrayDeque<>();
        }
    }

    /** @return a limiter with the capacity, queue and shares of {@code config} */
    public static ConcurrencyLimiter of(LoadSheddingConfig config) {
        return of(config.maxConcurrent(), config.queue(), config);
    }

    /** @return a limiter of {@code maxConcurrent} and {@code queueCapacity} with the shares of {@code config} */
    public static ConcurrencyLimiter of(int maxConcurrent, int queueCapacity, LoadSheddingConfig config) {
        int[] shares = new int[CLASSES.length];
        for (Priority priority : CLASSES) {
            shares[priority.ordinal()] = config.shares().get(priority);
        }
        return new ConcurrencyLimiter(maxConcurrent, queueCapacity, shares);
    }

    /**
     * Takes a slot at once if {@code priority} has room and nobody is waiting.
     *
     * @return {@code true} when admitted (call {@link #release()} later); {@code false} when the caller must
     *     {@link #enqueue} instead
     */
    public boolean tryAcquire(Priority priority) {
        return queued.get() == 0 && increment(limits[priority.ordinal()]);
    }

    /**
     * Admits the waiter, queues it, or sheds it (or a lower-class waiter in its place); the outcome is reported
     * to the waiter(s), possibly before this method returns.
     */
    public void enqueue(Waiter waiter) {
        int index = waiter.priority().ordinal();
        Waiter displaced = null;
        ShedCause refused = null;
        boolean admitted = false;
        synchronized (lock) {
            // Announced before looking at the counter: a release that misses this increment must have freed its
            // slot before the check below, which then sees it.
            queued.incrementAndGet();
            if (!waitingAtOrAbove(index) && increment(limits[index])) {
                admitted = true;
            } else if (waitingCount < queueCapacity) {
                add(waiter, index);
            } else if (queueCapacity == 0) {
                refused = ShedCause.OVER_CAPACITY;
            } else {
                displaced = removeNewestBelow(index);
                if (displaced == null) {
                    refused = ShedCause.QUEUE_FULL;
                } else {
                    add(waiter, index);
                }
            }
            if (admitted || refused != null || displaced != null) {
                queued.decrementAndGet();
            }
        }
        if (admitted) {
            waiter.admitted();
        } else if (refused != null) {
            waiter.shed(refused);
        } else if (displaced != null) {
            displaced.shed(ShedCause.DISPLACED);
        }
    }

    /**
     * Takes a waiter back out of the queue, e.g. when it waited too long.
     *
     * @return {@code true} when it was still waiting (it will be told nothing; the caller sheds it);
     *     {@code false} when it was already admitted or shed
     */
    public boolean cancel(Waiter waiter) {
        synchronized (lock) {
            if (waiting[waiter.priority().ordinal()].removeFirstOccurrence(waiter)) {
                waitingCount--;
                queued.decrementAndGet();
                return true;
            }
            return false;
        }
    }

    /** Gives a slot back and admits the waiting requests that now fit. */
    public void release() {
        inFlight.decrementAndGet();
        if (queued.get() > 0) {
            drain();
        }
    }

    /** @return the requests holding a slot now */
    public int inFlight() {
        return inFlight.get();
    }

    /** @return the requests waiting now */
    public int waiting() {
        synchronized (lock) {
            return waitingCount;
        }
    }

    /** @return the capacity of the highest class */
    public int maxConcurrent() {
        return maxConcurrent;
    }

    /** @return how many requests of {@code priority} may be in progress at once */
    public int limit(Priority priority) {
        return limits[priority.ordinal()];
    }

    private void drain() {
        List<Waiter> admitted = null;
        synchronized (lock) {
            classes:
            for (int index = 0; index < CLASSES.length && waitingCount > 0; index++) {
                ArrayDeque<Waiter> queue = waiting[index];
                while (!queue.isEmpty()) {
                    // Limits shrink towards lower classes: when this class has no room, none below it has.
                    if (!increment(limits[index])) {
                        break classes;
                    }
                    if (admitted == null) {
                        admitted = new ArrayList<>(2);
                    }
                    admitted.add(queue.pollFirst());
                    waitingCount--;
                    queued.decrementAndGet();
                }
            }
        }
        if (admitted != null) {
            for (Waiter waiter : admitted) {
                waiter.admitted();
            }
        }
    }

    private boolean increment(int limit) {
        while (true) {
            int current = inFlight.get();
            if (current >= limit) {
                return false;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    private boolean waitingAtOrAbove(int index) {
        for (int i = 0; i <= index; i++) {
            if (!waiting[i].isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private void add(Waiter waiter, int index) {
        waiting[index].addLast(waiter);
        waitingCount++;
    }

    /** @return the newest waiter of the lowest class below {@code index}, removed; {@code null} when none */
    private Waiter removeNewestBelow(int index) {
        for (int i = CLASSES.length - 1; i > index; i--) {
            Waiter newest = waiting[i].pollLast();
            if (newest != null) {
                waitingCount--;
                return newest;
            }
        }
        return null;
    }
}
