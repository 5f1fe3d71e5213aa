package dev.bulwark.core.iprules;

import dev.bulwark.core.config.ConfigProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpRulesConfigTest {

    private static final String EXPECTED =
            " (expected an IP address or CIDR such as 10.0.0.0/8, 192.168.1.7 or 2001:db8::/32)";
    private static final String NOT_AN_ADDRESS = " is not an IP address or CIDR" + EXPECTED
            + "; host names are not resolved";

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            10.0.0.0/33        | has an invalid prefix length (expected 0..32)
            10.0.0.0/-1        | has an invalid prefix length (expected 0..32)
            10.0.0.0/+8        | has an invalid prefix length (expected 0..32)
            10.0.0.0/08        | has an invalid prefix length (expected 0..32)
            10.0.0.0/          | has an invalid prefix length (expected 0..32)
            10.0.0.0/abc       | has an invalid prefix length (expected 0..32)
            10.0.0.0/8/8       | has an invalid prefix length (expected 0..32)
            10.0.0.0/1000      | has an invalid prefix length (expected 0..32)
            2001:db8::/129     | has an invalid prefix length (expected 0..128)
            10.0.0.256         | NOT_AN_ADDRESS
            256.0.0.0/8        | NOT_AN_ADDRESS
            10.0.0             | NOT_AN_ADDRESS
            10.0.0.0.0         | NOT_AN_ADDRESS
            010.0.0.0/8        | NOT_AN_ADDRESS
            10.00.0.0/16       | NOT_AN_ADDRESS
            0x0a.0.0.0/8       | NOT_AN_ADDRESS
            2130706433         | NOT_AN_ADDRESS
            1.2.3.-1           | NOT_AN_ADDRESS
            10.*.0.0           | NOT_AN_ADDRESS
            *                  | NOT_AN_ADDRESS
            localhost          | NOT_AN_ADDRESS
            office.example.com | NOT_AN_ADDRESS
            1::2::3            | NOT_AN_ADDRESS
            2001:db8:::/48     | NOT_AN_ADDRESS
            [::1]              | NOT_AN_ADDRESS
            [2001:db8::]/32    | NOT_AN_ADDRESS
            /8                 | NOT_AN_ADDRESS
            fe80::1%eth0       | has a zone; write the address without %zone (zones are ignored when matching)
            fe80::/10%eth0     | has a zone; write the address without %zone (zones are ignored when matching)
            ' 10.0.0.0/8'      | contains whitespace EXPECTED
            '10.0.0.0/8 '      | contains whitespace EXPECTED
            '10.0.0.0 /8'      | contains whitespace EXPECTED
            '10.0.0.0/ 8'      | contains whitespace EXPECTED
            ''                 | is empty EXPECTED
            10.0.0.1/8         | has bits set after the /8 prefix (did you mean 10.0.0.0/8?)
            192.168.1.10/24    | has bits set after the /24 prefix (did you mean 192.168.1.0/24?)
            ::1/64             | has bits set after the /64 prefix (did you mean 0:0:0:0:0:0:0:0/64?)
            """)
    void malformedEntryIsReportedAtItsKeyPathQuotingTheValue(String entry, String message) {
        IpRulesConfig config = new IpRulesConfig(List.of("10.0.0.0/8", entry), List.of(entry));

        List<ConfigProblem> problems = IpRulesConfig.problems(config, "routes[2].ipRules");

        String expected = ConfigProblem.quote(entry) + " "
                + message.replace("NOT_AN_ADDRESS", NOT_AN_ADDRESS.substring(1)).replace(" EXPECTED", EXPECTED);
        assertThat(problems).containsExactly(
                new ConfigProblem("routes[2].ipRules.allow[1]", expected),
                new ConfigProblem("routes[2].ipRules.deny[0]", expected));
    }

    @Test
    void tabsAndNonBreakingSpacesCountAsWhitespace() {
        IpRulesConfig config = IpRulesConfig.denyOnly("10.0.0.0/8\t", "10.0.0.0\u00a0/8");

        assertThat(IpRulesConfig.problems(config, "server.ipRules")).extracting(ConfigProblem::toString)
                .containsExactly(
                        "server.ipRules.deny[0]: \"10.0.0.0/8\\u0009\" contains whitespace" + EXPECTED,
                        "server.ipRules.deny[1]: \"10.0.0.0\u00a0/8\" contains whitespace" + EXPECTED);
    }

    @Test
    void nullEntryIsReportedRatherThanCrashingTheLoader() {
        IpRulesConfig config = new IpRulesConfig(Arrays.asList("10.0.0.0/8", null), null);

        assertThat(IpRulesConfig.problems(config, "policies.internal.ipRules")).containsExactly(
                new ConfigProblem("policies.internal.ipRules.allow[1]", "null is not a CIDR" + EXPECTED));
        assertThat(config.deny()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/8", "0.0.0.0/0", "203.0.113.7", "203.0.113.7/32", "::/0", "::1", "::1/128",
        "2001:db8::/32", "2001:DB8:0:0:8000::/65", "fe80::/10", "::ffff:10.0.0.0/104", "::ffff:192.0.2.1",
        "64:ff9b::/96", "1:2:3:4:5:6:7:8", "::1.2.3.4"})
    void wellFormedEntriesHaveNoProblems(String entry) {
        IpRulesConfig config = IpRulesConfig.builder().allow(entry).deny(entry).build();

        assertThat(IpRulesConfig.problems(config, "server.ipRules")).isEmpty();
    }

    @Test
    void absentRulesHaveNoProblemsAndRestrictNothing() {
        assertThat(IpRulesConfig.problems(null, "server.ipRules")).isEmpty();
        assertThat(new IpRulesConfig(null, null)).isEqualTo(IpRulesConfig.NONE);
        assertThat(IpRulesConfig.NONE.isEmpty()).isTrue();
    }

    @Test
    void listsCannotBeChangedAfterTheFact() {
        IpRulesConfig config = IpRulesConfig.allowOnly("10.0.0.0/8");

        assertThatThrownBy(() -> config.allow().add("0.0.0.0/0")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void buildingAFilterFromBadRulesFailsNamingTheEntry() {
        assertThatThrownBy(() -> new IpRulesFilter(IpRulesConfig.denyOnly("10.0.0.0/8", "office.example.com")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ipRules.deny[1]: \"office.example.com\"" + NOT_AN_ADDRESS);
        assertThatThrownBy(() -> IpRulesFilter.combine(IpRulesConfig.allowOnly("10.0.0.0/33"), null))
                .hasMessage("server.ipRules.allow[0]: \"10.0.0.0/33\" has an invalid prefix length (expected 0..32)");
        assertThatThrownBy(() -> Cidr.parse("fe80::1%eth0"))
                .hasMessageStartingWith("\"fe80::1%eth0\" has a zone");
    }
}
