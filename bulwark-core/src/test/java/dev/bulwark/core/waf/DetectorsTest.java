package dev.bulwark.core.waf;

import dev.bulwark.core.waf.WafConfig.Check;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The detectors on a fixed sample of published payloads and on everyday values; sources in the resource files. */
class DetectorsTest {

    private final Detectors all = new Detectors(EnumSet.allOf(Check.class));

    @Test
    void everyPayloadOfTheSampleIsFlaggedByItsOwnCheck() throws IOException {
        List<String> lines = lines("/waf/attacks.tsv");
        assertThat(lines).hasSizeGreaterThan(50);
        for (String line : lines) {
            int tab = line.indexOf('\t');
            String key = line.substring(0, tab);
            String payload = line.substring(tab + 1);
            Check check = EnumSet.allOf(Check.class).stream().filter(c -> c.key().equals(key)).findFirst().orElseThrow();
            assertThat(new Detectors(EnumSet.of(check)).detect(payload)).as(key + ": " + payload).isEqualTo(check);
        }
    }

    @Test
    void everydayValuesPassEveryCheck() throws IOException {
        for (String value : lines("/waf/benign.txt")) {
            assertThat(all.detect(value)).as(value).isNull();
        }
    }

    @Test
    void percentDecodingIsLenientAndKnowsTheOverlongDot() {
        assertThat(Detectors.percentDecode("a%20b+c%zz%", true)).isEqualTo("a b c%zz%");
        assertThat(Detectors.percentDecode("%c3%a9", false)).isEqualTo("é");
        assertThat(Detectors.percentDecode("%c0%ae%c0%ae/", false)).isEqualTo("\u00c0\u00ae\u00c0\u00ae/");
    }

    @Test
    void hugeAndHostileValuesAreDecidedQuickly() {
        String padded = "a ".repeat(50_000) + "' or 1=1--";
        String nested = "<".repeat(20_000) + "script>";
        long start = System.nanoTime();
        all.detect(padded);
        all.detect(nested);
        all.detect("%25".repeat(10_000));
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(2_000);
    }

    private static List<String> lines(String resource) throws IOException {
        try (InputStream in = DetectorsTest.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        }
    }
}
