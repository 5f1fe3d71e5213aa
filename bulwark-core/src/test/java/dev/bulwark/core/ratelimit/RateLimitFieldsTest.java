package dev.bulwark.core.ratelimit;

import dev.bulwark.api.Headers;
import dev.bulwark.api.store.RateLimitDecision;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rate-limit fields written as bytes: every number as {@link Long#toString} would write it. */
class RateLimitFieldsTest {

    @Test
    void numbersAreWrittenInDecimalAtEveryLength() {
        for (long value : new long[] {0, 1, 9, 10, 99, 100, 999_999_999, 1_000_000_000, 1_790_000_000L,
                Long.MAX_VALUE / 10, Long.MAX_VALUE - 1, Long.MAX_VALUE}) {
            assertThat(new String(RateLimitFields.ascii(value), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(value));
            assertThat(RateLimitFields.digits(value)).isEqualTo(Long.toString(value).length());
        }
    }

    @Test
    void everyTierDecidedIsAnItemAndTheTrioDescribesTheOneClosestToItsLimit() {
        RateLimitFields fields = new RateLimitFields(List.of(tier("per-ip", 100_000_000), tier("per-user", 10)));
        Headers headers = Headers.create();

        fields.write(headers, new RateLimitDecision[] {
                new RateLimitDecision(true, 99_999_999, 1, 0), new RateLimitDecision(true, 7, 180_001, 0)},
                -1, 1_790_000_000_500L);

        assertThat(headers.get("RateLimit-Policy")).isEqualTo("\"per-ip\";q=100000000;w=3600, \"per-user\";q=10;w=3600");
        assertThat(headers.get("RateLimit")).isEqualTo("\"per-ip\";r=99999999;t=1, \"per-user\";r=7;t=181");
        assertThat(headers.get("X-RateLimit-Limit")).isEqualTo("10");
        assertThat(headers.get("X-RateLimit-Remaining")).isEqualTo("7");
        assertThat(headers.get("X-RateLimit-Reset")).isEqualTo("1790000181");
    }

    @Test
    void aTierNotDecidedIsLeftOutAndWithoutAnyOnlyThePolicyIsWritten() {
        RateLimitFields fields = new RateLimitFields(List.of(tier("a", 5), tier("b", 6)));
        Headers headers = Headers.create().set("RateLimit", "\"backend\";r=1;t=1");

        fields.write(headers, new RateLimitDecision[] {null, new RateLimitDecision(true, 5, 1_000, 0)}, -1, 0);
        assertThat(headers.get("RateLimit")).isEqualTo("\"b\";r=5;t=1");
        assertThat(headers.get("X-RateLimit-Limit")).isEqualTo("6");

        Headers none = Headers.create().set("RateLimit", "\"backend\";r=1;t=1");
        fields.write(none, new RateLimitDecision[] {null, null}, -1, 0);
        assertThat(none.contains("RateLimit")).isFalse();
        assertThat(none.contains("X-RateLimit-Limit")).isFalse();
        assertThat(none.get("RateLimit-Policy")).isEqualTo("\"a\";q=5;w=3600, \"b\";q=6;w=3600");
    }

    private static RateLimitTier tier(String name, long limit) {
        return new RateLimitTier(name, RateLimitConfig.builder().limit(limit, Duration.ofHours(1)).key("ip").build());
    }
}
