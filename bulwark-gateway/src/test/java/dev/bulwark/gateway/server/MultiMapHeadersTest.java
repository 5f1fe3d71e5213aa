package dev.bulwark.gateway.server;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import org.junit.jupiter.api.Test;

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
