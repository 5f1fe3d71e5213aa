package dev.bulwark.core.webhook;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A structural guard: timing cannot be asserted reliably in a unit test, so this checks that secrets and
 * signatures are only ever compared through {@code Crypto.anyEqual}, which uses {@code MessageDigest.isEqual}.
 */
class ConstantTimeComparisonTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/bulwark/core/webhook");

    private static String source(String file) throws IOException {
        return Files.readString(SOURCES.resolve(file));
    }

    @Test
    void theSharedComparisonUsesMessageDigestIsEqual() throws IOException {
        assertThat(source("Crypto.java")).contains("MessageDigest.isEqual(e, p)");
    }

    @Test
    void everyVerifierComparesThroughTheSharedConstantTimeHelper() throws IOException {
        for (String file : List.of("HmacVerifier.java", "StripeVerifier.java", "StandardWebhooksVerifier.java",
                "TokenVerifier.java", "MetaSubscriptionHandshake.java")) {
            assertThat(source(file)).as(file).contains("Crypto.anyEqual(");
        }
    }

    @Test
    void noVerifierComparesSecretsWithEarlyExitEquality() throws IOException {
        try (var files = Files.list(SOURCES)) {
            for (Path file : files.toList()) {
                assertThat(Files.readString(file)).as(file.toString())
                        .doesNotContain("Arrays.equals(")
                        .doesNotContain("equalsIgnoreCase(")
                        .doesNotContainPattern("(secret|token|signature|expected|provided|digest)\\w*\\.equals\\(");
            }
        }
    }
}
