package dev.bulwark.core.store.memory;

import dev.bulwark.api.store.NewUser;
import dev.bulwark.api.store.StoreUnavailableException;
import dev.bulwark.api.store.UserStore;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.store.UserStoreContract;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryUserStoreTest extends UserStoreContract {

    @Override
    protected UserStore createStore(FakeClock clock) {
        return new InMemoryUserStore(clock, 10_000);
    }

    @Test
    void aFullStoreRefusesNewUsers() throws Exception {
        InMemoryUserStore small = new InMemoryUserStore(clock, 1);
        small.create(new NewUser("u1", "a@example.com", "h", Set.of(), Set.of(),
                Set.of())).toCompletableFuture().get();

        assertThatThrownBy(() -> small.create(new NewUser("u2", "b@example.com", "h", Set.of(),
                Set.of(), Set.of())).toCompletableFuture().get())
                .hasCauseInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("user store is full: 1 users");
        assertThat(small.create(new NewUser("u3", "A@example.com", "h", Set.of(), Set.of(),
                Set.of())).toCompletableFuture().get().created())
                .as("a taken email is reported as taken even when full").isFalse();
    }
}
