package dev.bulwark.gateway.server;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The header view filters use, over the kind of map Vert.x gives a request and a response. */
class MultiMapHeadersTest {

    private final MultiMap map = HttpHeaders.headers();
    private final MultiMapHeaders headers = new MultiMapHeaders(map);

    @Test
    void namesStaySpelledAsWrittenAndMatchInAnyCase() {
        headers.set("RateLimit-Policy", "\"general\";q=500;w=900").add("X-Tag", "a").add("x-tag", "b");

        assertThat(headers.get("ratelimit-policy")).isEqualTo("\"general\";q=500;w=900");
        assertThat(headers.getAll("X-TAG")).containsExactly("a", "b");
        assertThat(headers.contains("X-Tag")).isTrue();
        assertThat(map.names()).contains("RateLimit-Policy");
        headers.remove("X-TAG");
        assertThat(map.contains("x-tag")).isFalse();
    }

    @Test
    void aFieldBulwarkWritesReplacesTheUpstreamsInAnyCaseAndKeepsItsSpelling() {
        map.add("x-ratelimit-limit", "99999").add("X-RATELIMIT-LIMIT", "5").add("Retry-After", "60");

        headers.set("X-RateLimit-Limit", "10").set("retry-after", "1");

        assertThat(map.getAll("x-ratelimit-limit")).containsExactly("10");
        assertThat(map.getAll("Retry-After")).containsExactly("1");
        assertThat(map.names()).contains("X-RateLimit-Limit", "retry-after").hasSize(2);
    }

    @Test
    void asciiValuesReadBackAndAreStillValidated() {
        map.add("RateLimit", "\"backend\";r=5;t=1");

        headers.setAscii("RateLimit", "\"general\";r=8;t=12".getBytes(StandardCharsets.US_ASCII));

        assertThat(headers.getAll("ratelimit")).containsExactly("\"general\";r=8;t=12");
        assertThatThrownBy(() -> headers.setAscii("X-Tag", "a\r\nSet-Cookie: b".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sizeCountsEveryField() {
        headers.add("X-Tag", "a").add("X-Tag", "b").add("X-Tag", "c").set("Accept", "*/*");

        assertThat(headers.size()).isEqualTo(4);
    }

    @Test
    void invalidNamesAreRefused() {
        for (String name : new String[] {"Bad Name", "X-\u00c9t\u00e9", "X-\u0100", "X:Colon", "X\r\nInjected"}) {
            assertThatThrownBy(() -> headers.set(name, "v")).as(name).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
