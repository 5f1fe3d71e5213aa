package dev.bulwark.core.store.memory;

import dev.bulwark.api.store.RevocationStore;
import dev.bulwark.api.store.StoreUnavailableException;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.store.RevocationStoreContract;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryRevocationStoreTest extends RevocationStoreContract {

    @Override
    protected RevocationStore createStore(FakeClock clock) {
        return new InMemoryRevocationStore(clock, 10_000);
    }

    @Test
    void aFullStoreRefusesNewRevocationsButStillExtendsKnownOnes() throws Exception {
        InMemoryRevocationStore small = new InMemoryRevocationStore(clock, 1);
        Instant later = clock.instant().plus(Duration.ofMinutes(15));
        small.revokeSession("s-1", later).toCompletableFuture().get();

        assertThatThrownBy(() -> small.revokeSession("s-2", later).toCompletableFuture().get())
                .hasCauseInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("revocation store is full: 1 entries");
        assertThat(small.revokeSession("s-1", later.plusSeconds(60)).toCompletableFuture().get().expiresAt())
                .isEqualTo(later.plusSeconds(60));
    }
}
