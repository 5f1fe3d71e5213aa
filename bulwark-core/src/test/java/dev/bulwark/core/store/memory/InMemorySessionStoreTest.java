package dev.bulwark.core.store.memory;

import dev.bulwark.api.store.Device;
import dev.bulwark.api.store.NewSession;
import dev.bulwark.api.store.SessionStore;
import dev.bulwark.api.store.StoreUnavailableException;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.store.SessionStoreContract;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemorySessionStoreTest extends SessionStoreContract {

    @Override
    protected SessionStore createStore(FakeClock clock) {
        return new InMemorySessionStore(clock, 10_000);
    }

    private static NewSession session(String id, Duration idle) {
        return new NewSession(id, "user-" + id, new Device("ua", "203.0.113.7", null), "h", Duration.ofDays(7), idle);
    }

    @Test
    void aFullStoreRefusesNewSessionsUntilOnesExpire() throws Exception {
        InMemorySessionStore small = new InMemorySessionStore(clock, 2);
        small.create(session("a", Duration.ofMinutes(5)), 5).toCompletableFuture().get();
        small.create(session("b", Duration.ofHours(1)), 5).toCompletableFuture().get();

        assertThatThrownBy(() -> small.create(session("c", Duration.ofHours(1)), 5).toCompletableFuture().get())
                .hasCauseInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("session store is full: 2 sessions");
        clock.advance(Duration.ofMinutes(5));
        assertThat(small.create(session("c", Duration.ofHours(1)), 5).toCompletableFuture().get().session().id())
                .isEqualTo("c");
    }

    @Test
    void maxSessionsMustBePositive() {
        assertThatThrownBy(() -> new InMemorySessionStore(clock, 0))
                .hasMessage("session store max sessions must be positive: 0");
    }
}
