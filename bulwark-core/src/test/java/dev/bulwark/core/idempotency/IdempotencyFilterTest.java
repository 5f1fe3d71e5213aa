package dev.bulwark.core.idempotency;

import dev.bulwark.api.Response;
import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.TestExchange;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Client {@code Idempotency-Key} handling: what is stored and replayed, and what is released for a retry. */
class IdempotencyFilterTest {

    private final FakeClock clock = new FakeClock();
    private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(clock, 1000);
    private final IdempotencyFilter filter = new IdempotencyFilter(Duration.ofHours(24), store);

    private TestExchange payment(String key) {
        return ExchangeBuilder.post("/payments").routeId("payments").clock(clock).header("Idempotency-Key", key)
                .body("application/json", "{\"amount\":100}".getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    void aServerErrorIsNotStoredSoTheRetryRunsAgain() {
        Upstream failing = Upstream.respond(500);

        Response first = Chains.run(payment("k-1"), failing, filter);
        Response retry = Chains.run(payment("k-1"), failing, filter);

        assertThat(first.status()).isEqualTo(500);
        assertThat(retry.status()).isEqualTo(500);
        assertThat(retry.headers().get("Idempotent-Replayed")).isNull();
        assertThat(failing.calls()).isEqualTo(2);
        assertThat(store.size()).as("the key was released, not kept as in-flight").isZero();
    }

    @Test
    void aRetryAfterAServerErrorIsStoredOnceItSucceeds() {
        AtomicInteger attempts = new AtomicInteger();
        Upstream flaky = Upstream.respondingWith(exchange -> attempts.incrementAndGet() == 1
                ? Response.of(503, "application/json", "{\"error\":\"busy\"}".getBytes(StandardCharsets.UTF_8))
                : Response.of(201, "application/json", "{\"id\":\"pay_1\"}".getBytes(StandardCharsets.UTF_8)));

        Chains.run(payment("k-2"), flaky, filter);
        Response succeeded = Chains.run(payment("k-2"), flaky, filter);
        Response replayed = Chains.run(payment("k-2"), flaky, filter);

        assertThat(succeeded.status()).isEqualTo(201);
        assertThat(replayed.status()).isEqualTo(201);
        assertThat(replayed.headers().get("Idempotent-Replayed")).isEqualTo("true");
        assertThat(flaky.calls()).isEqualTo(2);
    }

    @Test
    void aFailedForwardReleasesTheKey() {
        AtomicInteger calls = new AtomicInteger();

        Chains.start(payment("k-3"), exchange -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(new IllegalStateException("upstream connection reset"));
        }, filter).toCompletableFuture().exceptionally(failure -> null).join();
        Response retry = Chains.run(payment("k-3"), Upstream.ok(), filter);

        assertThat(calls.get()).isEqualTo(1);
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.headers().get("Idempotent-Replayed")).isNull();
    }

    @Test
    void aClientErrorIsStoredAndReplayedLikeAnyFinalAnswer() {
        Upstream rejecting = Upstream.respond(400);

        Chains.run(payment("k-4"), rejecting, filter);
        Response repeat = Chains.run(payment("k-4"), rejecting, filter);

        assertThat(repeat.status()).isEqualTo(400);
        assertThat(repeat.headers().get("Idempotent-Replayed")).isEqualTo("true");
        assertThat(rejecting.calls()).isEqualTo(1);
    }
}
