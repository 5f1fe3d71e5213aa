package dev.bulwark.core.admin;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ?limit=&cursor=} as the admin listings read it. */
class PageRequestTest {

    @Test
    void noQueryAsksForTheFirstPageOfTheDefaultSize() {
        assertThat(PageRequest.parse(null)).isEqualTo(new PageRequest(PageRequest.DEFAULT_LIMIT, null));
        assertThat(PageRequest.parse("")).isEqualTo(new PageRequest(PageRequest.DEFAULT_LIMIT, null));
    }

    @Test
    void aCursorHandedOutComesBackAsTheStoresOwnCursor() {
        String cursor = PageRequest.cursor("ann+admin@example.com");

        assertThat(cursor).matches("[A-Za-z0-9_-]+");
        assertThat(PageRequest.parse("limit=2&cursor=" + cursor))
                .isEqualTo(new PageRequest(2, "ann+admin@example.com"));
        assertThat(PageRequest.cursor(null)).as("the last page has no cursor").isNull();
    }

    @Test
    void theLargestPageIsTheStoresMaximum() {
        assertThat(PageRequest.parse("limit=1000").limit()).isEqualTo(1000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=1001", "limit=-1", "limit=ten", "limit=1.5", "limit=", "limit",
            "limit=99999999999"})
    void aLimitOutsideOneToAThousandIsRefusedNamingTheParameter(String query) {
        assertThatThrownBy(() -> PageRequest.parse(query)).isInstanceOf(JsonInput.InvalidInput.class)
                .hasMessage("limit: must be a whole number from 1 to 1000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cursor=", "cursor=not%20base64", "cursor=a.b", "cursor=_w"})
    void aCursorThisApiDidNotHandOutIsRefused(String query) {
        // "_w" decodes to the byte 0xFF, which is not UTF-8.
        assertThatThrownBy(() -> PageRequest.parse(query)).isInstanceOf(JsonInput.InvalidInput.class)
                .hasMessage("cursor: is not a cursor from a previous page");
    }

    @Test
    void repeatedAndUnknownParametersAreRefused() {
        assertThatThrownBy(() -> PageRequest.parse("limit=1&limit=2")).hasMessage("limit: is given twice");
        assertThatThrownBy(() -> PageRequest.parse("cursor=YQ&cursor=Yg")).hasMessage("cursor: is given twice");
        assertThatThrownBy(() -> PageRequest.parse("limit=1&sort=email"))
                .hasMessage("the query has an unknown parameter (expected only limit and cursor)");
    }
}
