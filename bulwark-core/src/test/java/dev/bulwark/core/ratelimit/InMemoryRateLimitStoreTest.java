package dev.bulwark.core.ratelimit;

import dev.bulwark.api.store.RateLimitRule;
import dev.bulwark.api.store.RateLimitStore;
import dev.bulwark.testing.store.RateLimitStoreContract;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryRateLimitStoreTest extends RateLimitStoreContract {

    private static final RateLimitRule GENERAL = RateLimitRule.of(500, Duration.ofMinutes(15));

    @Override
    protected RateLimitStore createStore() {
        return new InMemoryRateLimitStore(10_000);
    }

    @Test
    void aSprayOfAMillionAddressesKeepsTheStoreAndTheHeapBounded() {
        InMemoryRateLimitStore store = new InMemoryRateLimitStore(100_000);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long now = clock.millis();
        long before = usedHeapAfterGc(memory);
        long afterQuarter = 0;
        for (int i = 0; i < 1_000_000; i++) {
            assertThat(store.decide(address(i), GENERAL, now, 1).allowed()).isTrue();
            if (i == 249_999) {
                assertThat(store.size()).isLessThanOrEqualTo(store.maxKeys());
                afterQuarter = usedHeapAfterGc(memory);
            }
        }
        long after = usedHeapAfterGc(memory);

        assertThat(store.size()).isLessThanOrEqualTo(store.maxKeys()).isGreaterThan(90_000);
        // 64 stripes of at most 4,096 16-byte slots: 4 MB for 100 000 keys, however many were seen
        assertThat(after - before).as("heap retained by 100 000 keys").isLessThan(8L * 1024 * 1024);
        assertThat(after - afterQuarter).as("heap growth from 250 000 to 1 000 000 keys sprayed")
                .isLessThan(8L * 1024 * 1024);
    }

    @Test
    void aClientBeingLimitedStaysLimitedWhileOthersSprayNewKeys() {
        InMemoryRateLimitStore store = new InMemoryRateLimitStore(6_400);
        RateLimitRule auth = RateLimitRule.of(30, Duration.ofMinutes(15));
        long now = clock.millis();
        String attacker = "auth|198.51.100.7";
        for (int i = 0; i < 30; i++) {
            store.decide(attacker, auth, now, 1);
        }
        for (int i = 0; i < 200_000; i++) {
            store.decide(address(i), auth, now, 1);
            if (i % 500 == 0) {
                assertThat(store.decide(attacker, auth, now, 1).allowed()).as("attempt after %d sprayed keys", i)
                        .isFalse();
            }
        }
    }

    @Test
    void expiredKeysAreDroppedBeforeALiveOne() {
        InMemoryRateLimitStore store = new InMemoryRateLimitStore(6_400);
        RateLimitRule strict = RateLimitRule.of(1, Duration.ofHours(1));
        RateLimitRule brief = RateLimitRule.of(1, Duration.ofMillis(1));
        long now = clock.millis();
        String limited = "login|203.0.113.9";
        assertThat(store.decide(limited, strict, now, 1).allowed()).isTrue();
        // the limited key is the oldest in its stripe; each other key expires a millisecond after it is made
        for (int i = 0; i < 100_000; i++) {
            now++;
            store.decide(address(i), brief, now, 1);
        }
        assertThat(store.decide(limited, strict, now, 1).allowed()).isFalse();
    }

    @Test
    void everyKeyKeepsItsOwnCountWhileTheTablesGrow() {
        InMemoryRateLimitStore store = new InMemoryRateLimitStore(100_000);
        RateLimitRule twice = RateLimitRule.of(2, Duration.ofHours(1));
        long now = clock.millis();
        for (int round = 1; round <= 2; round++) {
            for (int i = 0; i < 50_000; i++) {
                assertThat(store.decide(address(i), twice, now, 1).remaining()).as("round %d, key %d", round, i)
                        .isEqualTo(2 - round);
            }
        }
        for (int i = 0; i < 50_000; i++) {
            assertThat(store.decide(address(i), twice, now, 1).allowed()).as("third request of key %d", i).isFalse();
        }
        assertThat(store.size()).isEqualTo(50_000);
    }

    @Test
    void aFullStoreReplacesTheKeyClosestToAFreshBurst() {
        InMemoryRateLimitStore store = new InMemoryRateLimitStore(64 * 8);
        RateLimitRule hourly = RateLimitRule.of(10, Duration.ofHours(1));
        long now = clock.millis();
        // each of these keys has used one request of ten: the least possible debt
        for (int i = 0; i < 10_000; i++) {
            store.decide(address(i), hourly, now, 1);
        }
        String heavy = "general|192.0.2.1";
        for (int i = 0; i < 10; i++) {
            store.decide(heavy, hourly, now, 1);
        }
        for (int i = 10_000; i < 60_000; i++) {
            store.decide(address(i), hourly, now, 1);
        }

        assertThat(store.size()).isEqualTo(store.maxKeys());
        assertThat(store.decide(heavy, hourly, now, 1).allowed()).as("the key with the most debt stays").isFalse();
    }

    @Test
    void probeRunsStayShortUnderAnEndlessSprayOfNewKeys() {
        InMemoryRateLimitStore store = new InMemoryRateLimitStore(64 * 1_500);
        long now = clock.millis();
        for (int i = 0; i < 2_000_000; i++) {
            store.decide(address(i), GENERAL, now, 1);
        }

        // 1,500 keys in 4,096 slots a stripe: runs of random keys stay a few dozen long
        assertThat(store.longestProbeRun()).isLessThan(100);
    }

    @Test
    void maxKeysMustBePositive() {
        assertThatThrownBy(() -> new InMemoryRateLimitStore(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rate limit store max keys must be positive: 0");
    }

    private static String address(int i) {
        return "general|10." + (i >>> 16 & 0xff) + "." + (i >>> 8 & 0xff) + "." + (i & 0xff) + "." + (i >>> 24);
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
