package dev.bulwark.core.routing;

import dev.bulwark.api.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PathNormalizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "/api/products          | /api/products",
            "/api/../admin          | /admin",
            "/api/./admin           | /api/admin",
            "//admin                | /admin",
            "/api//products///x     | /api/products/x",
            "/api/%2e%2e/admin      | /admin",
            "/api/%2E%2E/admin      | /admin",
            "/api/.%2e/admin        | /admin",
            "/api/%2e/admin         | /api/admin",
            "/admin;jsessionid=ABC  | /admin",
            "/admin;jsessionid=ABC/users | /admin/users",
            "/api/..;/admin         | /admin",
            "/api/;x=1/admin        | /api/admin",
            "\\admin                | /admin",
            "/api\\..\\admin        | /admin",
            "/api/\\admin           | /api/admin",
            "/ADMIN/Users           | /ADMIN/Users",
            "/admin/.               | /admin/",
            "/admin/./x             | /admin/x",
            "/admin/x/..            | /admin/",
            "/admin/                | /admin/",
            "/                      | /",
            "/%41dmin               | /Admin",
            "/caf%C3%A9             | /café",
            "/café                  | /café",
            "/a%20b                 | /a b",
            "/a%3Fb                 | /a?b",
            "/a%25b                 | /a%b",
            "/a%3Bb                 | /a;b",
    })
    void normalizesToOneCanonicalPath(String raw, String expected) {
        NormalizedPath path = PathNormalizer.normalize(raw);

        assertThat(path.isRefused()).as(path.toString()).isFalse();
        assertThat(path.path()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "/..                    | PATH_TRAVERSAL",
            "/../admin              | PATH_TRAVERSAL",
            "/%2e%2e/admin          | PATH_TRAVERSAL",
            "/api/../../admin       | PATH_TRAVERSAL",
            "/..;/admin             | PATH_TRAVERSAL",
            "\\..\\admin            | PATH_TRAVERSAL",
            "/api%2Fadmin           | PATH_TRAVERSAL",
            "/api%2fadmin           | PATH_TRAVERSAL",
            "/api/%2F../admin       | PATH_TRAVERSAL",
            "/api%5Cadmin           | PATH_TRAVERSAL",
            "/api%5cadmin           | PATH_TRAVERSAL",
            "/api/%252e%252e/admin  | PATH_TRAVERSAL",
            "/api%252Fadmin         | PATH_TRAVERSAL",
            "/admin%25%32%66x       | PATH_TRAVERSAL",
            "/api/\uFF0E\uFF0E/admin | PATH_TRAVERSAL",
            "/api\uFF0Fadmin        | PATH_TRAVERSAL",
            "/api/%EF%BC%8F/admin   | PATH_TRAVERSAL",
            "/admin%00              | MALFORMED_REQUEST",
            "/admin%00.json         | MALFORMED_REQUEST",
            "/admin%0d%0aX-Injected:1 | MALFORMED_REQUEST",
            "/admin%zz              | MALFORMED_REQUEST",
            "/admin%2               | MALFORMED_REQUEST",
            "/admin%                | MALFORMED_REQUEST",
            "/api/%c0%ae%c0%ae/admin | MALFORMED_REQUEST",
            "/api/%c0%afadmin       | MALFORMED_REQUEST",
            "/a%ffb                 | MALFORMED_REQUEST",
            "admin                  | MALFORMED_REQUEST",
            "*                      | MALFORMED_REQUEST",
            "http://evil/admin      | MALFORMED_REQUEST",
    })
    void refusesPathsThatCouldMeanSomethingElseUpstream(String raw, Reason reason) {
        NormalizedPath path = PathNormalizer.normalize(raw);

        assertThat(path.isRefused()).as(path.toString()).isTrue();
        assertThat(path.reason()).isEqualTo(reason);
        assertThat(path.detail()).doesNotContain("admin");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin\u0000", "/admin\r\nX: 1", "/admin\t", "/ad\u007fmin", "/a b", "/a?b", "/a#b"})
    void refusesRawControlCharactersAndDelimiters(String raw) {
        NormalizedPath path = PathNormalizer.normalize(raw);

        assertThat(path.reason()).isEqualTo(Reason.MALFORMED_REQUEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {""})
    void anEmptyPathIsTheRoot(String raw) {
        assertThat(PathNormalizer.normalize(raw).path()).isEqualTo("/");
        assertThat(PathNormalizer.normalize(null).path()).isEqualTo("/");
    }

    @Test
    void matchPathIsLowerCaseWhilePathKeepsCase() {
        NormalizedPath path = PathNormalizer.normalize("/ADMIN/Users/AbC");

        assertThat(path.matchPath()).isEqualTo("/admin/users/abc");
        assertThat(path.path()).isEqualTo("/ADMIN/Users/AbC");
        assertThat(path.forwardPath()).isEqualTo("/ADMIN/Users/AbC");
    }

    @ParameterizedTest(name = "{0} forwards as {1}")
    @CsvSource(delimiter = '|', value = {
            "/a%20b                 | /a%20b",
            "/a%3Fb                 | /a%3Fb",
            "/a%23b                 | /a%23b",
            "/a%25b                 | /a%25b",
            "/a%3Bb                 | /a%3Bb",
            "/caf%c3%a9             | /caf%C3%A9",
            "/café                  | /caf%C3%A9",
            "/%F0%9F%98%80          | /%F0%9F%98%80",
            "/%41%42%7e             | /AB~",
            "/a:b@c!$&'()*+,=d      | /a:b@c!$&'()*+,=d",
            "/a\"b<c>               | /a%22b%3Cc%3E",
            "/api/../admin;x=1/     | /admin/",
    })
    void forwardPathReencodesOnlyWhatAPathSegmentCannotHold(String raw, String forwarded) {
        assertThat(PathNormalizer.normalize(raw).forwardPath()).isEqualTo(forwarded);
    }

    @Test
    void aForwardedPathNormalizesToItself() {
        for (String raw : new String[]{"/a%20b/c%3Fd", "/caf%C3%A9/x", "/API/Orders/42/", "/a%25b"}) {
            NormalizedPath once = PathNormalizer.normalize(raw);
            NormalizedPath twice = PathNormalizer.normalize(once.forwardPath());

            assertThat(twice.path()).isEqualTo(once.path());
            assertThat(twice.forwardPath()).isEqualTo(once.forwardPath());
        }
    }

    @Test
    void aRefusedPathCannotBeUsedForRouting() {
        NormalizedPath refused = PathNormalizer.normalize("/%2e%2e/admin");

        assertThatThrownBy(refused::matchPath).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(refused::forwardPath).isInstanceOf(IllegalStateException.class);
    }
}
