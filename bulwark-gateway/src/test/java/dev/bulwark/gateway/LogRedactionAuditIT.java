package dev.bulwark.gateway;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Greps everything the gateway test suite logged for secrets.
 *
 * <p>Every secret used in a gateway test (bearer tokens, cookies, API keys, webhook signatures, upstream
 * {@code Set-Cookie}, token query parameters) contains the marker {@code sEcReT-}; none may appear in the log.
 * Runs in its own surefire execution after the others (see the module POM), reading the file they wrote; a
 * missing or empty log fails, so the audit can never pass by seeing nothing.
 */
class LogRedactionAuditIT {

    @Test
    void noSecretSentByAnyTestAppearsInAnyLog() throws Exception {
        Path log = Path.of(System.getProperty("bulwark.suiteLog", "target/test-logs/suite.log"));
        assertThat(log).as("the suite's log file").exists();
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).as("the suite's log lines").isNotEmpty();
        assertThat(lines).as("access-log lines prove the gateway tests ran and logged")
                .anyMatch(line -> line.contains("\"requestId\"") && line.contains("\"status\""));

        assertThat(lines).noneMatch(line -> line.contains("sEcReT-"));
        assertThat(lines).noneMatch(line -> line.contains("Authorization: Bearer"));
        assertThat(lines).noneMatch(line -> line.matches("(?i).*\\bcookie: *[a-z0-9_-]+=.*"));
        assertThat(lines).noneMatch(line -> line.contains("access_token="));
    }
}
