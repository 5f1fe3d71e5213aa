package dev.bulwark.core.idempotency;

import dev.bulwark.api.store.IdempotencyStore;
import dev.bulwark.api.store.StoreUnavailableException;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.store.IdempotencyStoreContract;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryIdempotencyStoreTest extends IdempotencyStoreContract {

    @Override
    protected IdempotencyStore createStore(FakeClock clock) {
        return new InMemoryIdempotencyStore(clock, 10_000);
    }

    @Test
    void aFullStoreRefusesNewKeysInsteadOfForgettingLiveOnes() throws Exception {
        InMemoryIdempotencyStore small = new InMemoryIdempotencyStore(clock, 2);
        small.claim("a", Duration.ofHours(1)).toCompletableFuture().get();
        small.claim("b", Duration.ofHours(1)).toCompletableFuture().get();

        assertThatThrownBy(() -> small.claim("c", Duration.ofHours(1)).toCompletableFuture().get())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("idempotency store is full: 2 keys");
        assertThat(small.claim("a", Duration.ofHours(1)).toCompletableFuture().get().isNew()).isFalse();
    }

    @Test
    void expiredKeysMakeRoomInAFullStore() throws Exception {
        InMemoryIdempotencyStore small = new InMemoryIdempotencyStore(clock, 2);
        small.claim("a", Duration.ofMinutes(1)).toCompletableFuture().get();
        small.claim("b", Duration.ofHours(1)).toCompletableFuture().get();

        clock.advance(Duration.ofMinutes(1));

        assertThat(small.claim("c", Duration.ofHours(1)).toCompletableFuture().get().isNew()).isTrue();
        assertThat(small.size()).isEqualTo(2);
    }

    @Test
    void aShorterTtlAddedAfterASweepIsStillReclaimed() throws Exception {
        InMemoryIdempotencyStore small = new InMemoryIdempotencyStore(clock, 2);
        small.claim("long", Duration.ofHours(1)).toCompletableFuture().get();
        small.claim("short", Duration.ofHours(1)).toCompletableFuture().get();
        assertThatThrownBy(() -> small.claim("x", Duration.ofHours(1)).toCompletableFuture().get())
                .hasCauseInstanceOf(StoreUnavailableException.class);
        small.release("short").toCompletableFuture().get();
        small.claim("brief", Duration.ofSeconds(10)).toCompletableFuture().get();

        clock.advance(Duration.ofSeconds(10));

        assertThat(small.claim("y", Duration.ofHours(1)).toCompletableFuture().get().isNew()).isTrue();
    }

    @Test
    void maxKeysMustBePositive() {
        assertThatThrownBy(() -> new InMemoryIdempotencyStore(clock, 0))
                .hasMessage("idempotency store max keys must be positive: 0");
    }
}
