package dev.bulwark.core.shedding;

import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.RecordingEventSink;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RefusalDigestTest {

    private final FakeClock clock = new FakeClock();
    private final RecordingEventSink events = new RecordingEventSink();
    private final ExchangeBuilder requests = ExchangeBuilder.get("/api/export").clock(clock).events(events);
    private final RefusalDigest digest = new RefusalDigest(Reason.LOAD_SHED, "load-shedding", "the gateway",
            Duration.ofSeconds(1));

    @Test
    void aFloodOfRefusalsIsReportedOnceAtFirstThenOnceAnIntervalWithTheCountByClass() {
        digest.refused(requests.build(), Priority.BULK, "the queue was full");
        for (int i = 0; i < 999; i++) {
            digest.refused(requests.build(), i % 3 == 0 ? Priority.NORMAL : Priority.BULK, "the queue was full");
        }

        assertThat(events.reasons()).containsExactly(Reason.LOAD_SHED);
        SecurityEvent first = events.single();
        assertThat(first.source()).isEqualTo("load-shedding");
        assertThat(first.detail()).isEqualTo("the gateway refused 1 request (bulk 1), the latest because the queue was full");

        clock.advance(Duration.ofMillis(1500));
        digest.refused(requests.build(), Priority.HIGH, "it waited 1000 ms in the queue");

        assertThat(events.events()).hasSize(2);
        assertThat(events.events().get(1).detail()).isEqualTo("the gateway refused 1000 requests in the last 1500 ms"
                + " (high 1, normal 333, bulk 666), the latest because it waited 1000 ms in the queue");
    }
}
