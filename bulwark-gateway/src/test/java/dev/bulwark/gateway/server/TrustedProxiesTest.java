package dev.bulwark.gateway.server;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedProxiesTest {

    private final TrustedProxies proxies = TrustedProxies.of(List.of("10.0.0.0/8", "2001:db8::/32", "192.168.1.7"));

    @Test
    void untrustedPeerIsTheClientWhateverItForwards() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", "1.2.3.4");

        assertThat(proxies.clientAddress("203.0.113.5", headers, proxies.isTrusted("203.0.113.5")))
                .isEqualTo("203.0.113.5");
    }

    @Test
    void clientIsTheRightMostUntrustedHopBehindTrustedProxies() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("X-Forwarded-For", "6.6.6.6, 198.51.100.7").add("X-Forwarded-For", "10.1.2.3");

        assertThat(proxies.clientAddress("10.0.0.1", headers, true)).isEqualTo("198.51.100.7");
    }

    @Test
    void forwardedHeaderIsUsedWhenThereIsNoXForwardedFor() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("Forwarded", "for=\"[2001:db9::17]:4711\";proto=https, for=192.168.1.7");

        assertThat(proxies.clientAddress("2001:db8::1", headers, proxies.isTrusted("2001:db8::1")))
                .isEqualTo("2001:db9::17");
    }

    @Test
    void junkInTheChainFallsBackToTheLastTrustedHop() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", "evil.example, 10.9.9.9");

        assertThat(proxies.clientAddress("10.0.0.1", headers, true)).isEqualTo("10.9.9.9");
    }

    @Test
    void hostNamesAndOddLiteralsAreNeverTrusted() {
        assertThat(proxies.isTrusted("localhost")).isFalse();
        assertThat(proxies.isTrusted("010.0.0.1")).isFalse();
        assertThat(proxies.isTrusted("10.0.0.256")).isFalse();
        assertThat(proxies.isTrusted("192.168.1.8")).isFalse();
        assertThat(proxies.isTrusted("::ffff:10.0.0.1")).isTrue();
    }

    @Test
    void badCidrIsRefusedNamingIt() {
        assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/33")))
                .hasMessage("trusted proxy prefix must be between 0 and 32: 10.0.0.0/33");
        assertThatThrownBy(() -> TrustedProxies.of(List.of("proxy.internal")))
                .hasMessage("trusted proxy is not an IP address or CIDR: proxy.internal");
    }
}
