package dev.bulwark.core.iprules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class CidrSetTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # ranges at their boundaries
            10.0.0.0/8               | 10.0.0.0                                | true
            10.0.0.0/8               | 10.255.255.255                          | true
            10.0.0.0/8               | 9.255.255.255                           | false
            10.0.0.0/8               | 11.0.0.0                                | false
            172.16.0.0/12            | 172.31.255.255                          | true
            172.16.0.0/12            | 172.32.0.0                              | false
            172.16.0.0/12            | 172.15.255.255                          | false
            192.168.1.128/25         | 192.168.1.128                           | true
            192.168.1.128/25         | 192.168.1.255                           | true
            192.168.1.128/25         | 192.168.1.127                           | false
            192.168.1.128/25         | 192.168.2.128                           | false
            # /32 and bare addresses are exact
            203.0.113.7/32           | 203.0.113.7                             | true
            203.0.113.7/32           | 203.0.113.6                             | false
            203.0.113.7/32           | 203.0.113.8                             | false
            203.0.113.7              | 203.0.113.7                             | true
            203.0.113.7              | 203.0.113.70                            | false
            # /0 is every address of its family, and only of its family
            0.0.0.0/0                | 0.0.0.0                                 | true
            0.0.0.0/0                | 255.255.255.255                         | true
            0.0.0.0/0                | ::1                                     | false
            ::/0                     | ::                                      | true
            ::/0                     | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | true
            ::/0                     | 10.0.0.1                                | false
            ::/0                     | ::ffff:10.0.0.1                         | false
            # IPv4-mapped IPv6 clients are IPv4 clients, however they are written
            10.0.0.0/8               | ::ffff:10.0.0.1                         | true
            10.0.0.0/8               | ::FFFF:10.1.2.3                         | true
            10.0.0.0/8               | 0:0:0:0:0:ffff:10.0.0.1                 | true
            10.0.0.0/8               | ::ffff:a00:1                            | true
            10.0.0.0/8               | ::ffff:b00:1                            | false
            203.0.113.7/32           | [::ffff:203.0.113.7]                    | true
            # other embeddings of IPv4 are IPv6 addresses, not IPv4 ones
            10.0.0.0/8               | ::10.0.0.1                              | false
            10.0.0.0/8               | 64:ff9b::10.0.0.1                       | false
            # a mapped block in the config is the IPv4 block it covers
            ::ffff:10.0.0.0/104      | 10.9.9.9                                | true
            ::ffff:10.0.0.0/104      | ::ffff:10.9.9.9                         | true
            ::ffff:10.0.0.0/104      | 11.0.0.0                                | false
            ::ffff:192.0.2.1         | 192.0.2.1                               | true
            # /128 is exact, however the address is written
            ::1/128                  | ::1                                     | true
            ::1/128                  | 0:0:0:0:0:0:0:1                         | true
            ::1/128                  | 0000:0000:0000:0000:0000:0000:0000:0001 | true
            ::1/128                  | [::1]                                   | true
            ::1/128                  | ::2                                     | false
            ::1                      | ::                                      | false
            # IPv6 ranges at their boundaries, on and off byte edges
            2001:db8::/32            | 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff  | true
            2001:db8::/32            | 2001:db9::                              | false
            2001:db8::/32            | 2001:db7:ffff:ffff:ffff:ffff:ffff:ffff  | false
            2001:DB8::/32            | 2001:db8::1                             | true
            2001:db8::/64            | 2001:db8::ffff:ffff:ffff:ffff           | true
            2001:db8::/64            | 2001:db8:0:1::                          | false
            2001:db8::/65            | 2001:db8::7fff:ffff:ffff:ffff           | true
            2001:db8::/65            | 2001:db8::8000:0:0:0                    | false
            2001:db8:0:0:8000::/65   | 2001:db8::8000:0:0:0                    | true
            2001:db8:0:0:8000::/65   | 2001:db8::7fff:ffff:ffff:ffff           | false
            2001:db8::ff00/120       | 2001:db8::ffff                          | true
            2001:db8::ff00/120       | 2001:db8::1:0                           | false
            fe80::/10                | febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff | true
            fe80::/10                | fec0::                                  | false
            # zones are ignored when matching
            fe80::/10                | fe80::1%eth0                            | true
            fe80::1/128              | fe80::1%25                              | true
            fe80::1/128              | [fe80::1%eth0]                          | true
            fe80::1/128              | fe80::2%eth0                            | false
            """)
    void matchesAddressesOfItsFamilyInsideTheBlock(String cidr, String address, boolean expected) {
        CidrSet set = CidrSet.parse(List.of(cidr));

        assertThat(set.contains(address)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"localhost", "example.com", "010.0.0.1", "10.0.0.256", "127.1", "2130706433",
        "0x7f.0.0.1", "10.0.0.1 ", " 10.0.0.1", "10.0.0.1/32", "10.0.0.1:8080", "1::2::3", "1:2:3:4:5:6:7:8:9",
        "12345::", ":1", "1:", ":::", "1:2:3:4:5:6:7::8", "::1.2.3.4.5", "1:2:3:4:5:6:7:1.2.3.4", "fe80::1%",
        "[10.0.0.1]", "[::1", "::g", "unknown", "_hidden"})
    void junkIsNeverInsideEvenTheWidestBlocks(String junk) {
        CidrSet everything = CidrSet.parse(List.of("0.0.0.0/0", "::/0"));

        assertThat(everything.contains(junk)).isFalse();
    }

    @Test
    void emptySetContainsNothing() {
        assertThat(CidrSet.parse(List.of())).isSameAs(CidrSet.EMPTY);
        assertThat(CidrSet.EMPTY.contains("10.0.0.1")).isFalse();
        assertThat(CidrSet.EMPTY.contains("::1")).isFalse();
    }

    @Test
    void unionHoldsTheBlocksOfBothWithoutDuplicates() {
        CidrSet union = CidrSet.parse(List.of("10.0.0.0/8", "::1"))
                .union(CidrSet.parse(List.of("10.0.0.0/8", "192.168.0.0/16")));

        assertThat(union.cidrs()).hasToString("[10.0.0.0/8, ::1, 192.168.0.0/16]");
        assertThat(union.contains("192.168.4.4")).isTrue();
        assertThat(union.contains("::1")).isTrue();
    }

    /** Every prefix length, against random addresses, agrees with arithmetic on the whole address. */
    @Test
    void everyPrefixLengthAgreesWithPlainArithmetic() {
        Random random = new Random(20240607L);
        for (int family : new int[] {4, 16}) {
            for (int prefix = 0; prefix <= family * 8; prefix++) {
                byte[] network = new byte[family];
                random.nextBytes(network);
                BigInteger base = masked(network, prefix);
                String cidr = literal(base, family) + "/" + prefix;
                CidrSet set = CidrSet.parse(List.of(cidr));
                BigInteger size = BigInteger.ONE.shiftLeft(family * 8 - prefix);

                assertThat(set.contains(literal(base, family))).as("first of " + cidr).isTrue();
                assertThat(set.contains(literal(base.add(size).subtract(BigInteger.ONE), family)))
                        .as("last of " + cidr).isTrue();
                if (base.signum() > 0) {
                    assertThat(set.contains(literal(base.subtract(BigInteger.ONE), family)))
                            .as("just before " + cidr).isFalse();
                }
                BigInteger after = base.add(size);
                if (after.bitLength() <= family * 8) {
                    assertThat(set.contains(literal(after, family))).as("just after " + cidr).isFalse();
                }
                for (int i = 0; i < 20; i++) {
                    byte[] probe = new byte[family];
                    random.nextBytes(probe);
                    boolean inside = masked(probe, prefix).equals(base);
                    assertThat(set.contains(literal(new BigInteger(1, probe), family)))
                            .as(literal(new BigInteger(1, probe), family) + " in " + cidr).isEqualTo(inside);
                }
            }
        }
    }

    private static BigInteger masked(byte[] address, int prefix) {
        int bits = address.length * 8;
        BigInteger value = new BigInteger(1, address);
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
        return value.and(mask);
    }

    /** Dotted quad, or eight hex groups; the mapped range is avoided so the family stays what the test meant. */
    private static String literal(BigInteger value, int family) {
        StringBuilder out = new StringBuilder();
        if (family == 4) {
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.append(shift == 24 ? "" : ".").append(value.shiftRight(shift).intValue() & 0xff);
            }
            return out.toString();
        }
        for (int shift = 112; shift >= 0; shift -= 16) {
            out.append(shift == 112 ? "" : ":").append(Integer.toHexString(value.shiftRight(shift).intValue() & 0xffff));
        }
        return out.toString();
    }
}
