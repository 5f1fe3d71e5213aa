package dev.bulwark.core.waf;

import dev.bulwark.api.Response;
import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.RecordingEventSink;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The filter on hostile JSON shapes, without a host. */
class WafFilterTest {

    private final RecordingEventSink events = new RecordingEventSink();

    /** A 64 KiB body of {@code depth} nested arrays around thousands of strings, {@code last} the final one. */
    private static byte[] deeplyNested(int depth, String last) {
        StringBuilder json = new StringBuilder("[".repeat(depth));
        while (json.length() < 64 * 1024 - depth - last.length() - 8) {
            json.append("\"a\",");
        }
        json.append('"').append(last).append('"').append("]".repeat(depth));
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private Response run(WafConfig config, byte[] body) {
        return Chains.run(ExchangeBuilder.post("/orders").body("application/json", body).events(events).build(),
                Upstream.ok(), new WafFilter(config));
    }

    @Test
    void aDeeplyNestedBodyCostsNoMoreThanAFlatOne() {
        WafConfig config = WafConfig.builder().exclude("body:$.note").build();
        run(config, deeplyNested(999, "a"));

        long started = System.nanoTime();
        Response passed = run(config, deeplyNested(999, "a"));
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(passed.status()).isEqualTo(200);
        assertThat(millis).as("one request's inspection, in ms (a path per string was seconds)").isLessThan(500);
        assertThat(run(config, deeplyNested(999, "1' OR '1'='1")).status()).isEqualTo(403);
        assertThat(events.events()).singleElement().satisfies(event ->
                assertThat(event.detail()).startsWith("sqli in body field \"$[*][*][*]"));
    }
}
