package dev.bulwark.core.screening;

import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.core.iprules.IpLiterals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpReputationListTest {

    @TempDir
    Path dir;

    private final List<SecurityEvent> events = new ArrayList<>();
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);

    private static byte[] ip(String text) {
        return IpLiterals.parseClient(text);
    }

    @Test
    void commentsAndBlankLinesAreIgnoredAndBothFamiliesMatch() throws Exception {
        Path file = Files.writeString(dir.resolve("list.txt"), """
                # a feed
                192.0.2.0/24 ; SBL1

                198.51.100.7   # one host
                2001:db8::/32
                ::ffff:203.0.113.0/120
                """);

        IpReputationList list = IpReputationList.load(file, true);

        assertThat(list.size()).isEqualTo(4);
        assertThat(list.contains(ip("192.0.2.255"))).isTrue();
        assertThat(list.contains(ip("192.0.3.0"))).isFalse();
        assertThat(list.contains(ip("198.51.100.7"))).isTrue();
        assertThat(list.contains(ip("198.51.100.8"))).isFalse();
        assertThat(list.contains(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(list.contains(ip("2001:db9::1"))).isFalse();
        assertThat(list.contains(ip("::ffff:192.0.2.1"))).as("a mapped client matches as IPv4").isTrue();
        assertThat(list.contains(ip("203.0.113.200"))).as("a mapped block is stored as IPv4").isTrue();
        assertThat(list.contains(null)).isFalse();
    }

    @Test
    void aHundredThousandEntriesAnswerLikeALinearScan() throws Exception {
        Random random = new Random(42);
        List<long[]> blocks = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            int prefix = 16 + random.nextInt(17);
            long network = (random.nextInt() & 0xffffffffL) & (0xffffffffL << (32 - prefix)) & 0xffffffffL;
            blocks.add(new long[] {network, network + (1L << (32 - prefix)) - 1});
            text.append(dotted(network)).append('/').append(prefix).append('\n');
        }
        IpReputationList list = IpReputationList.load(Files.writeString(dir.resolve("big.txt"), text), true);

        for (int i = 0; i < 2_000; i++) {
            long address = random.nextInt() & 0xffffffffL;
            boolean expected = blocks.stream().anyMatch(b -> address >= b[0] && address <= b[1]);
            assertThat(list.contains(ip(dotted(address)))).as(dotted(address)).isEqualTo(expected);
        }
    }

    @Test
    void aChangedFileIsReloadedAndAnUnchangedOneIsNotRead() throws Exception {
        Path file = Files.writeString(dir.resolve("list.txt"), "192.0.2.0/24\n");
        IpReputationList list = IpReputationList.load(file, true);

        assertThat(list.reloadIfChanged(events::add, clock)).isEqualTo(IpReputationList.Reload.UNCHANGED);
        Files.writeString(file, "198.51.100.0/24\n10.0.0.0/8\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));

        assertThat(list.reloadIfChanged(events::add, clock)).isEqualTo(IpReputationList.Reload.LOADED);
        assertThat(list.contains(ip("192.0.2.1"))).isFalse();
        assertThat(list.contains(ip("10.1.2.3"))).isTrue();
        assertThat(events).isEmpty();
    }

    @Test
    void aBrokenFileKeepsTheLoadedListAndEmitsOneEventPerChange() throws Exception {
        Path file = Files.writeString(dir.resolve("list.txt"), "192.0.2.0/24\n");
        IpReputationList list = IpReputationList.load(file, true);
        Files.writeString(file, "192.0.2.0/24\nexample.com\n");

        assertThat(list.reloadIfChanged(events::add, clock)).isEqualTo(IpReputationList.Reload.REJECTED);
        assertThat(list.reloadIfChanged(events::add, clock)).isEqualTo(IpReputationList.Reload.UNCHANGED);
        assertThat(list.contains(ip("192.0.2.1"))).isTrue();
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.reason()).isEqualTo(Reason.IP_REPUTATION_LIST_REJECTED);
            assertThat(event.detail()).contains("line 2", "example.com");
        });
    }

    @Test
    void aDeletedFileKeepsTheListAndAFileThatAppearsLaterIsLoaded() throws Exception {
        Path file = dir.resolve("later.txt");
        IpReputationList list = IpReputationList.load(file, false);
        assertThat(list.size()).isZero();
        assertThat(list.reloadIfChanged(events::add, clock)).isEqualTo(IpReputationList.Reload.MISSING);

        Files.writeString(file, "192.0.2.0/24\n");
        assertThat(list.reloadIfChanged(events::add, clock)).isEqualTo(IpReputationList.Reload.LOADED);
        Files.delete(file);
        assertThat(list.reloadIfChanged(events::add, clock)).isEqualTo(IpReputationList.Reload.MISSING);
        assertThat(list.contains(ip("192.0.2.1"))).isTrue();
    }

    @Test
    void aMissingFileIsAnErrorWhenRequiredAndBadEntriesNameTheirLine() throws Exception {
        assertThatThrownBy(() -> IpReputationList.load(dir.resolve("none.txt"), true))
                .hasMessageContaining("does not exist");
        Path bad = Files.writeString(dir.resolve("bad.txt"), "192.0.2.0/24\n\n10.0.0.1/8\n");
        assertThatThrownBy(() -> IpReputationList.load(bad, false))
                .hasMessageContaining("line 3").hasMessageContaining("10.0.0.1/8");
    }

    private static String dotted(long address) {
        return (address >>> 24 & 0xff) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "."
                + (address & 0xff);
    }
}
