package dev.bulwark.core.screening;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ScannerUserAgentsTest {

    private final ScannerUserAgents scanners = new ScannerUserAgents(List.of("BadBot"), List.of("Nessus-Internal"));

    @Test
    void knownScannersAreRecognizedAnywhereInTheUserAgentWithoutRegardToCase() {
        assertThat(scanners.match("sqlmap/1.7.2#stable (https://sqlmap.org)")).isEqualTo("sqlmap");
        assertThat(scanners.match("Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000001)")).isEqualTo("nikto");
        assertThat(scanners.match("Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)"))
                .isNotNull();
        assertThat(scanners.match("masscan/1.3 (https://github.com/robertdavidgraham/masscan)")).isEqualTo("masscan");
        assertThat(scanners.match("Mozilla/5.0 zgrab/0.x")).isEqualTo("zgrab");
        assertThat(scanners.match("WPScan v3.8.22 (https://wpscan.com/wordpress-security-scanner)")).isEqualTo("wpscan");
        assertThat(scanners.match("Mozilla/5.0 BADBOT/1.0")).isEqualTo("badbot");
    }

    @Test
    void browsersLibrariesAndAllowedAgentsPass() {
        assertThat(scanners.match("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " Chrome/131.0.0.0 Safari/537.36")).isNull();
        assertThat(scanners.match("curl/8.5.0")).isNull();
        assertThat(scanners.match("Java-http-client/21.0.5")).isNull();
        assertThat(scanners.match("python-requests/2.32.3")).isNull();
        assertThat(scanners.match("kube-probe/1.31")).isNull();
        assertThat(scanners.match("Nessus-Internal compliance scan")).isNull();
    }
}
