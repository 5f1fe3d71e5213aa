package dev.bulwark.core.auth;

import dev.bulwark.api.Headers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading a cookie of cookie mode back from a request, and taking one out before the request goes upstream. */
class AuthCookiesTest {

    private static Headers cookies(String... headers) {
        Headers map = Headers.create();
        for (String header : headers) {
            map.add("Cookie", header);
        }
        return map;
    }

    @Test
    void removingTakesOutEveryCookieOfThatNameAndKeepsTheOthersInOrder() {
        Headers headers = cookies("theme=dark; __Host-bulwark-access=a.b.c; lang=en", "__Host-bulwark-access=d.e.f");

        AuthCookies.remove(headers, AuthCookies.ACCESS);

        assertThat(headers.getAll("Cookie")).containsExactly("theme=dark; lang=en");
        assertThat(AuthCookies.read(headers, AuthCookies.ACCESS)).isNull();
    }

    @Test
    void aHeaderLeftWithoutCookiesIsRemoved() {
        Headers headers = cookies("__Host-bulwark-access=a.b.c");

        AuthCookies.remove(headers, AuthCookies.ACCESS);

        assertThat(headers.contains("Cookie")).isFalse();
    }

    @Test
    void headersWithoutTheCookieStayExactlyAsTheyWere() {
        Headers headers = cookies("a=1;b=2 ;  c=3", "x__Host-bulwark-access=1; __Host-bulwark-access-old=2");

        AuthCookies.remove(headers, AuthCookies.ACCESS);

        assertThat(headers.getAll("Cookie")).containsExactly("a=1;b=2 ;  c=3",
                "x__Host-bulwark-access=1; __Host-bulwark-access-old=2");
    }
}
