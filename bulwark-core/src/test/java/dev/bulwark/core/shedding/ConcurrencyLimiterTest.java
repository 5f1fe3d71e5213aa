package dev.bulwark.core.shedding;

import dev.bulwark.core.shedding.ConcurrencyLimiter.ShedCause;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrencyLimiterTest {

    /** critical 100 %, high 90 %, normal 80 %, bulk 50 % */
    private static final int[] SHARES = {100, 90, 80, 50};
    /** Every class may use the whole capacity: only the queue's order tells them apart. */
    private static final int[] EQUAL = {100, 100, 100, 100};

    /** Records what the limiter told it; fails the test when told twice. */
    private static final class Recorder implements ConcurrencyLimiter.Waiter {
        final Priority priority;
        final String name;
        final List<String> log;
        final CompletableFuture<Object> outcome = new CompletableFuture<>();

        Recorder(Priority priority, String name, List<String> log) {
            this.priority = priority;
            this.name = name;
            this.log = log;
        }

        @Override
        public Priority priority() {
            return priority;
        }

        @Override
        public void admitted() {
            assertThat(outcome.complete("admitted")).as(name + " told twice").isTrue();
            if (log != null) {
                log.add(name + " admitted");
            }
        }

        @Override
        public void shed(ShedCause cause) {
            assertThat(outcome.complete(cause)).as(name + " told twice").isTrue();
            if (log != null) {
                log.add(name + " shed " + cause);
            }
        }
    }

    private final List<String> log = new ArrayList<>();

    private Recorder waiter(Priority priority, String name) {
        return new Recorder(priority, name, log);
    }

    @Test
    void lowerClassesReachTheirShareFirstAndHigherOnesKeepTheRest() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(10, 0, SHARES);

        assertThat(acquireAll(limiter, Priority.BULK)).isEqualTo(5);
        assertThat(acquireAll(limiter, Priority.NORMAL)).isEqualTo(3);
        assertThat(acquireAll(limiter, Priority.HIGH)).isEqualTo(1);
        assertThat(acquireAll(limiter, Priority.CRITICAL)).isEqualTo(1);
        assertThat(limiter.inFlight()).isEqualTo(10);
    }

    @Test
    void withoutAQueueARequestOverItsShareIsShedAtOnce() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(2, 0, SHARES);
        acquireAll(limiter, Priority.BULK);

        limiter.enqueue(waiter(Priority.BULK, "b1"));

        assertThat(log).containsExactly("b1 shed OVER_CAPACITY");
        assertThat(limiter.waiting()).isZero();
    }

    @Test
    void aWaitingRequestIsAdmittedWhenASlotIsReleased() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(2, 5, EQUAL);
        acquireAll(limiter, Priority.CRITICAL);
        limiter.enqueue(waiter(Priority.NORMAL, "n1"));
        assertThat(log).isEmpty();
        assertThat(limiter.waiting()).isEqualTo(1);

        limiter.release();

        assertThat(log).containsExactly("n1 admitted");
        assertThat(limiter.inFlight()).isEqualTo(2);
        assertThat(limiter.waiting()).isZero();
    }

    @Test
    void waitingRequestsAreAdmittedHighestClassFirstAndOldestFirstWithinAClass() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(2, 10, EQUAL);
        acquireAll(limiter, Priority.CRITICAL);
        limiter.enqueue(waiter(Priority.BULK, "b1"));
        limiter.enqueue(waiter(Priority.NORMAL, "n1"));
        limiter.enqueue(waiter(Priority.HIGH, "h1"));
        limiter.enqueue(waiter(Priority.NORMAL, "n2"));

        limiter.release();
        limiter.release();
        assertThat(log).containsExactly("h1 admitted", "n1 admitted");
        releaseAll(limiter);

        assertThat(log).containsExactly("h1 admitted", "n1 admitted", "n2 admitted", "b1 admitted");
    }

    @Test
    void aFullQueueShedsTheNewestWaiterOfTheLowestClassToMakeRoomForAHigherOne() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(2, 3, EQUAL);
        acquireAll(limiter, Priority.CRITICAL);
        limiter.enqueue(waiter(Priority.BULK, "b1"));
        limiter.enqueue(waiter(Priority.NORMAL, "n1"));
        limiter.enqueue(waiter(Priority.BULK, "b2"));

        limiter.enqueue(waiter(Priority.HIGH, "h1"));
        limiter.enqueue(waiter(Priority.NORMAL, "n2"));

        assertThat(log).containsExactly("b2 shed DISPLACED", "b1 shed DISPLACED");
        assertThat(limiter.waiting()).isEqualTo(3);
        releaseAll(limiter);
        assertThat(log).endsWith("h1 admitted", "n1 admitted", "n2 admitted");
    }

    @Test
    void aFullQueueShedsANewcomerWhenNobodyWaitingIsOfALowerClass() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(2, 2, EQUAL);
        acquireAll(limiter, Priority.CRITICAL);
        limiter.enqueue(waiter(Priority.HIGH, "h1"));
        limiter.enqueue(waiter(Priority.NORMAL, "n1"));

        limiter.enqueue(waiter(Priority.NORMAL, "n2"));
        limiter.enqueue(waiter(Priority.BULK, "b1"));

        assertThat(log).containsExactly("n2 shed QUEUE_FULL", "b1 shed QUEUE_FULL");
    }

    @Test
    void aHigherClassGetsASlotAtOnceWhileALowerOneWaitsOverItsShare() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(10, 10, SHARES);
        assertThat(acquireAll(limiter, Priority.BULK)).isEqualTo(5);
        limiter.enqueue(waiter(Priority.BULK, "b1"));

        limiter.enqueue(waiter(Priority.HIGH, "h1"));

        assertThat(log).containsExactly("h1 admitted");
        assertThat(limiter.tryAcquire(Priority.CRITICAL)).as("the fast path waits behind queued requests").isFalse();
        limiter.enqueue(waiter(Priority.CRITICAL, "c1"));
        assertThat(log).containsExactly("h1 admitted", "c1 admitted");
        assertThat(limiter.waiting()).isEqualTo(1);
    }

    @Test
    void aWaitingLowerClassIsAdmittedOnlyOnceInFlightRequestsFallBelowItsShare() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(10, 10, SHARES);
        acquireAll(limiter, Priority.CRITICAL);
        limiter.enqueue(waiter(Priority.BULK, "b1"));
        limiter.enqueue(waiter(Priority.HIGH, "h1"));

        limiter.release();
        assertThat(log).as("9 in flight: high may use 9").isEmpty();
        limiter.release();
        assertThat(log).containsExactly("h1 admitted");
        for (int i = 0; i < 4; i++) {
            limiter.release();
        }
        assertThat(log).as("5 in flight: bulk may use 5").containsExactly("h1 admitted");
        limiter.release();
        assertThat(log).containsExactly("h1 admitted", "b1 admitted");
        assertThat(limiter.inFlight()).isEqualTo(5);
    }

    @Test
    void aCancelledWaiterIsNeverAdmitted() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(1, 5, SHARES);
        acquireAll(limiter, Priority.CRITICAL);
        Recorder timedOut = waiter(Priority.NORMAL, "n1");
        limiter.enqueue(timedOut);

        assertThat(limiter.cancel(timedOut)).isTrue();
        limiter.release();

        assertThat(log).isEmpty();
        assertThat(limiter.cancel(timedOut)).as("only once").isFalse();
        assertThat(limiter.inFlight()).isZero();
        assertThat(limiter.tryAcquire(Priority.BULK)).as("nobody waits any more").isTrue();
    }

    @Test
    void eightThreadsHammeringTheLimiterNeverExceedItsCapacity() throws Exception {
        int capacity = 5;
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(capacity, 4, SHARES);
        AtomicInteger current = new AtomicInteger();
        AtomicInteger highest = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger shed = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        Runnable work = () -> {
            int now = current.incrementAndGet();
            highest.accumulateAndGet(now, Math::max);
            admitted.incrementAndGet();
            Thread.onSpinWait();
            current.decrementAndGet();
            limiter.release();
        };
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            done.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < 20_000; i++) {
                    Priority priority = Priority.values()[ThreadLocalRandom.current().nextInt(4)];
                    if (limiter.tryAcquire(priority)) {
                        work.run();
                        continue;
                    }
                    Recorder waiting = new Recorder(priority, "w", null);
                    limiter.enqueue(waiting);
                    Object outcome;
                    try {
                        outcome = waiting.outcome.get(50, TimeUnit.MICROSECONDS);
                    } catch (TimeoutException slow) {
                        if (limiter.cancel(waiting)) {
                            cancelled.incrementAndGet();
                            continue;
                        }
                        outcome = waiting.outcome.get(5, TimeUnit.SECONDS);
                    }
                    if (outcome.equals("admitted")) {
                        work.run();
                    } else {
                        shed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : done) {
            future.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();

        assertThat(highest.get()).isLessThanOrEqualTo(capacity);
        assertThat(admitted.get() + shed.get() + cancelled.get()).isEqualTo(8 * 20_000);
        assertThat(shed.get()).as("the queue filled up at times").isPositive();
        assertThat(limiter.inFlight()).isZero();
        assertThat(limiter.waiting()).isZero();
        assertThat(limiter.tryAcquire(Priority.BULK)).isTrue();
    }

    private static int acquireAll(ConcurrencyLimiter limiter, Priority priority) {
        int acquired = 0;
        while (limiter.tryAcquire(priority)) {
            acquired++;
        }
        return acquired;
    }

    private static void releaseAll(ConcurrencyLimiter limiter) {
        while (limiter.inFlight() > 0) {
            limiter.release();
        }
    }
}
