package dev.bulwark.core.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonPathTest {

    private static final String META = """
            {"object":"whatsapp_business_account","entry":[{"id":"102","changes":[{"field":"messages",
             "value":{"messages":[{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
             "type":"text"}]}}]}]}""";

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    @ParameterizedTest(name = "{0} selects {1}")
    @CsvSource(delimiter = '|', textBlock = """
            $.entry[0].changes[0].value.messages[0].id | wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=
            $.entry[0].id                              | 102
            $['object']                                | whatsapp_business_account
            $.entry[0]['changes'][0].field             | messages
            """)
    void selectsTheValueAPathPointsAt(String path, String expected) throws Exception {
        assertThat(JsonPath.compile(path).selectScalar(json(META))).hasValue(expected);
    }

    @ParameterizedTest(name = "{0} selects nothing")
    @ValueSource(strings = {"$.entry[1].id", "$.entry[0].changes[0].value.statuses[0].id", "$.entry",
        "$.entry[0].changes", "$.object.deeper", "$.entry.id", "$[0]"})
    void selectsNothingWhenThePathMissesOrEndsOnAContainer(String path) throws Exception {
        assertThat(JsonPath.compile(path).selectScalar(json(META))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"update_id": 123456789}       | 123456789
            {"update_id": "abc"}           | abc
            {"update_id": true}            | true
            """)
    void numbersStringsAndBooleansAreKeys(String body, String expected) throws Exception {
        assertThat(JsonPath.compile("$.update_id").selectScalar(json(body))).hasValue(expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"update_id\": null}", "[]", "\"text\"", "{\"update_id\": {}}"})
    void nullsAndNonObjectsAreNotKeys(String body) throws Exception {
        assertThat(JsonPath.compile("$.update_id").selectScalar(json(body))).isEmpty();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            update_id        | json path must start with $: update_id
            $                | json path must select a value below the root: $
            $.               | json path has an empty name at 1: $.
            $.a[x]           | json path index must be a non-negative integer at 3: $.a[x]
            $.a[-1]          | json path index must be a non-negative integer at 3: $.a[-1]
            $.a[0            | json path index must be a non-negative integer at 3: $.a[0
            $['a             | json path has an unclosed or empty ['name'] at 1: $['a
            $..a             | json path has an empty name at 1: $..a
            $.a[*]           | json path index must be a non-negative integer at 3: $.a[*]
            $.a b            | json path has an unexpected ' ' at 3: $.a b
            """)
    void malformedPathsAreRefusedNamingThePath(String path, String message) {
        assertThatThrownBy(() -> JsonPath.compile(path))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
