package dev.bulwark.core.store.memory;

import dev.bulwark.api.store.LockoutPolicy;
import dev.bulwark.api.store.LoginAttemptStore;
import dev.bulwark.api.store.StoreUnavailableException;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.store.LoginAttemptStoreContract;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryLoginAttemptStoreTest extends LoginAttemptStoreContract {

    @Override
    protected LoginAttemptStore createStore(FakeClock clock) {
        return new InMemoryLoginAttemptStore(clock, 10_000);
    }

    @Test
    void aFullStoreRefusesNewKeysRatherThanForgetALockout() throws Exception {
        InMemoryLoginAttemptStore small = new InMemoryLoginAttemptStore(clock, 1);
        small.recordFailure("account:ann", LockoutPolicy.DEFAULT).toCompletableFuture().get();

        assertThatThrownBy(() -> small.recordFailure("ip:198.51.100.1", LockoutPolicy.DEFAULT)
                .toCompletableFuture().get())
                .hasCauseInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("login attempt store is full: 1 keys");
        assertThat(small.lockState("account:ann").toCompletableFuture().get().failures()).isEqualTo(1);
        clock.advance(LockoutPolicy.DEFAULT.memory());
        assertThat(small.recordFailure("ip:198.51.100.1", LockoutPolicy.DEFAULT).toCompletableFuture().get()
                .failures()).isEqualTo(1);
    }
}
