package dev.bulwark.core.resilience;

import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RetryBudgetTest {

    private final FakeClock clock = new FakeClock();

    @Test
    void aFreshBudgetHoldsItsReserveOfTenRetries() {
        RetryBudget budget = new RetryBudget(20, 0, clock);

        assertThat(retries(budget, 100)).isEqualTo(10);
    }

    @Test
    void everyRequestEarnsItsShareOfARetry() {
        RetryBudget budget = new RetryBudget(20, 0, clock);
        retries(budget, 10);

        for (int i = 0; i < 4; i++) {
            budget.recordRequest();
        }
        assertThat(budget.tryRetry()).as("4 requests earn 0.8 of a retry").isFalse();
        budget.recordRequest();
        assertThat(budget.tryRetry()).as("the fifth makes a whole one").isTrue();
        assertThat(budget.tryRetry()).isFalse();
    }

    @Test
    void theFloorRefillsWithTimeOnTheClock() {
        RetryBudget budget = new RetryBudget(0, 5, clock);
        assertThat(retries(budget, 1000)).as("reserve: ten seconds of the floor").isEqualTo(50);

        clock.advance(Duration.ofSeconds(1));
        assertThat(retries(budget, 1000)).isEqualTo(5);
        clock.advance(Duration.ofMinutes(10));
        assertThat(retries(budget, 1000)).as("never more than the reserve").isEqualTo(50);
    }

    @Test
    void duringAnOutageRetriesAddAtMostTheBudgetedShareToTheRequests() {
        RetryBudget budget = new RetryBudget(20, 0, clock);
        int retried = 0;
        for (int i = 0; i < 10_000; i++) {
            budget.recordRequest();
            if (budget.tryRetry()) {
                retried++;
            }
        }

        assertThat(retried).isBetween(2_000, 2_000 + 10);
    }

    @Test
    void eightThreadsNeverSpendMoreThanTheyEarned() throws Exception {
        RetryBudget budget = new RetryBudget(10, 0, clock);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            done.add(threads.submit(() -> {
                start.await();
                int retried = 0;
                for (int i = 0; i < 50_000; i++) {
                    budget.recordRequest();
                    if (budget.tryRetry()) {
                        retried++;
                    }
                }
                return retried;
            }));
        }
        start.countDown();
        int retried = 0;
        for (Future<Integer> future : done) {
            retried += future.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();

        assertThat(retried).isLessThanOrEqualTo(8 * 50_000 / 10 + 10);
        assertThat(retried).isGreaterThanOrEqualTo(8 * 50_000 / 10 - 10);
    }

    private static int retries(RetryBudget budget, int wanted) {
        int allowed = 0;
        for (int i = 0; i < wanted; i++) {
            if (budget.tryRetry()) {
                allowed++;
            }
        }
        return allowed;
    }
}
