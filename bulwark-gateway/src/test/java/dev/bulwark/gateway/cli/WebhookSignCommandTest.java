package dev.bulwark.gateway.cli;

import dev.bulwark.api.Headers;
import dev.bulwark.core.config.Mode;
import dev.bulwark.core.webhook.VerifierConfig;
import dev.bulwark.core.webhook.WebhookVerifier;
import dev.bulwark.core.webhook.WebhookVerifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark webhooks sign}: what it prints is accepted by the gateway's own verifiers, and it fails clearly. */
class WebhookSignCommandTest {

    private static final String HMAC_SECRET = "sEcReT-cli-app-secret-0123456789abcdef";
    private static final String TOKEN = "sEcReT-cli_token_0123456789";
    private static final String WHSEC = "whsec_" + Base64.getEncoder().encodeToString(
            "sEcReT-cli-standard-webhooks-key".getBytes(StandardCharsets.UTF_8));
    private static final byte[] BODY = "{\"id\":\"evt_1\", \"text\":\"olá\"}\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"meta", "github", "telegram", "apikey", "standard-webhooks", "stripe", "slack"})
    void printedHeadersAreAcceptedByThePresetsVerifier(String preset) throws Exception {
        Path body = Files.write(dir.resolve("delivery.json"), BODY);
        List<String> args = new ArrayList<>(List.of("webhooks", "sign", "--preset", preset, "--secret", secret(preset)));
        switch (preset) {
            case "telegram" -> { }
            case "apikey" -> args.addAll(List.of("--header", "x-evolution-apikey"));
            default -> args.addAll(List.of("--body", body.toString()));
        }

        Result result = run(args.toArray(String[]::new));

        assertThat(result.code).isZero();
        assertThat(result.err).isEmpty();
        assertThat(result.out.lines()).isNotEmpty().allMatch(line -> line.matches("-H '[A-Za-z0-9-]+: [^']+'"));
        WebhookVerifier verifier = WebhookVerifiers.create(verifier(preset), Mode.DEVELOPMENT);
        byte[] delivered = preset.equals("telegram") || preset.equals("apikey") ? new byte[0] : BODY;
        assertThat(verifier.verify(headers(result.out), delivered, Instant.now()).ok()).isTrue();
    }

    @Test
    void metaSignatureIsTheHmacOfTheExactBodyBytes() throws Exception {
        Path body = Files.write(dir.resolve("delivery.json"), BODY);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(HMAC_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));

        Result result = run("webhooks", "sign", "--preset", "meta", "--secret", HMAC_SECRET, "--body", body.toString());

        assertThat(result.out).isEqualTo("-H 'X-Hub-Signature-256: sha256="
                + HexFormat.of().formatHex(mac.doFinal(BODY)) + "'\n");
    }

    @Test
    void standardWebhooksUsesTheGivenIdAndTimestamp() throws Exception {
        Path body = Files.write(dir.resolve("delivery.json"), BODY);

        Result result = run("webhooks", "sign", "--preset", "standard-webhooks", "--secret", WHSEC,
                "--body", body.toString(), "--id", "msg_tour_1", "--timestamp", "1700000000");

        assertThat(result.out.lines()).hasSize(3);
        assertThat(result.out).startsWith("-H 'webhook-id: msg_tour_1'\n-H 'webhook-timestamp: 1700000000'\n"
                + "-H 'webhook-signature: v1,");
        WebhookVerifier verifier = WebhookVerifiers.create(verifier("standard-webhooks"), Mode.DEVELOPMENT);
        assertThat(verifier.verify(headers(result.out), BODY, Instant.ofEpochSecond(1700000030)).ok()).isTrue();
    }

    @Test
    void standardWebhooksWithoutAnIdGetsAFreshOne() throws Exception {
        Path body = Files.write(dir.resolve("delivery.json"), BODY);
        String[] args = {"webhooks", "sign", "--preset", "standard-webhooks", "--secret", WHSEC, "--body", body.toString()};

        String first = run(args).out.lines().findFirst().orElseThrow();
        String second = run(args).out.lines().findFirst().orElseThrow();

        assertThat(first).startsWith("-H 'webhook-id: msg_").isNotEqualTo(second);
    }

    @Test
    void githubIdIsSentAsTheDeliveryHeader() throws Exception {
        Path body = Files.write(dir.resolve("delivery.json"), BODY);

        Result result = run("webhooks", "sign", "--preset", "github", "--secret", HMAC_SECRET,
                "--body", body.toString(), "--id", "72d3162e-cc78-11e3-81ab-4c9367dc0958");

        assertThat(result.out).startsWith("-H 'X-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958'\n"
                + "-H 'X-Hub-Signature-256: sha256=");
    }

    @Test
    void bodyCanComeFromStandardInput() throws Exception {
        Path file = Files.write(dir.resolve("delivery.json"), BODY);
        String fromFile = run("webhooks", "sign", "--preset", "meta", "--secret", HMAC_SECRET, "--body", file.toString()).out;
        InputStream stdin = System.in;
        Result fromStdin;
        try {
            System.setIn(new ByteArrayInputStream(BODY));
            fromStdin = run("webhooks", "sign", "--preset", "meta", "--secret", HMAC_SECRET, "--body", "-");
        } finally {
            System.setIn(stdin);
        }

        assertThat(fromStdin.code).isZero();
        assertThat(fromStdin.out).isEqualTo(fromFile);
    }

    @Test
    void signatureOutputNeverContainsTheSecret() throws Exception {
        Path body = Files.write(dir.resolve("delivery.json"), BODY);

        for (String preset : List.of("meta", "github", "stripe", "slack")) {
            Result result = run("webhooks", "sign", "--preset", preset, "--secret", HMAC_SECRET, "--body", body.toString());
            assertThat(result.out).doesNotContain("sEcReT-");
        }
    }

    @Test
    void aQuoteInAKeyIsEscapedForTheShell() {
        Result result = run("webhooks", "sign", "--preset", "apikey", "--secret", "sEcReT-it's-a-key",
                "--header", "x-api-key");

        assertThat(result.out).isEqualTo("-H 'x-api-key: sEcReT-it'\\''s-a-key'\n");
    }

    @Test
    void malformedStandardWebhooksSecretIsOneLineWithoutTheSecret() throws Exception {
        Path body = Files.write(dir.resolve("delivery.json"), BODY);

        Result result = run("webhooks", "sign", "--preset", "standard-webhooks", "--secret", "sEcReT-not-a-whsec-key",
                "--body", body.toString());

        assertThat(result.code).isEqualTo(BulwarkCommand.EXIT_USAGE);
        assertThat(result.out).isEmpty();
        assertThat(result.err.lines()).singleElement().asString().contains("whsec_").doesNotContain("sEcReT-");
    }

    @Test
    void unknownPresetIsAUsageErrorNamingTheChoices() {
        Result result = run("webhooks", "sign", "--preset", "paypal", "--secret", TOKEN);

        assertThat(result.code).isEqualTo(BulwarkCommand.EXIT_USAGE);
        assertThat(result.err.lines()).singleElement().asString()
                .contains("--preset must be one of meta, github").contains(": paypal").doesNotContain("sEcReT-");
    }

    @Test
    void signatureWithoutABodyIsAUsageError() {
        Result result = run("webhooks", "sign", "--preset", "meta", "--secret", HMAC_SECRET);

        assertThat(result.code).isEqualTo(BulwarkCommand.EXIT_USAGE);
        assertThat(result.err.lines()).singleElement().asString().contains("--body is required for preset meta");
    }

    @Test
    void apiKeyWithoutAHeaderNameIsAUsageError() {
        Result result = run("webhooks", "sign", "--preset", "apikey", "--secret", TOKEN);

        assertThat(result.code).isEqualTo(BulwarkCommand.EXIT_USAGE);
        assertThat(result.err.lines()).singleElement().asString().contains("--header is required for preset apikey");
    }

    @Test
    void optionsThatDoNotApplyToThePresetAreRefused() {
        assertThat(run("webhooks", "sign", "--preset", "telegram", "--secret", TOKEN, "--timestamp", "1").err)
                .contains("--timestamp only applies to presets slack, standard-webhooks, stripe: not telegram");
        assertThat(run("webhooks", "sign", "--preset", "telegram", "--secret", TOKEN, "--header", "x-a").err)
                .contains("--header only applies to preset apikey: not telegram");
        assertThat(run("webhooks", "sign", "--preset", "telegram", "--secret", TOKEN, "--body", "-").err)
                .contains("--body does not apply to preset telegram");
        assertThat(run("webhooks", "sign", "--preset", "stripe", "--secret", TOKEN, "--body", "-", "--id", "x").err)
                .contains("--id only applies to presets github and standard-webhooks: not stripe");
    }

    @Test
    void missingBodyFileFailsWithOneLine() {
        Result result = run("webhooks", "sign", "--preset", "meta", "--secret", HMAC_SECRET,
                "--body", dir.resolve("nope.json").toString());

        assertThat(result.code).isEqualTo(BulwarkCommand.EXIT_FAILURE);
        assertThat(result.err.lines()).singleElement().asString()
                .isEqualTo("bulwark: cannot read body file " + dir.resolve("nope.json") + ": no such file");
    }

    @Test
    void helpListsTheWebhooksCommand() {
        assertThat(run("--help").out).contains("webhooks");
        assertThat(run("webhooks", "sign", "--help").out).contains("--preset").contains("--secret").contains("--body")
                .contains("--id").contains("--timestamp").contains("--header");
    }

    private static String secret(String preset) {
        return switch (preset) {
            case "telegram", "apikey" -> TOKEN;
            case "standard-webhooks" -> WHSEC;
            default -> HMAC_SECRET;
        };
    }

    private static VerifierConfig verifier(String preset) {
        return switch (preset) {
            case "meta" -> new VerifierConfig.Meta(List.of(HMAC_SECRET), List.of());
            case "github" -> new VerifierConfig.GitHub(List.of(HMAC_SECRET));
            case "telegram" -> new VerifierConfig.Telegram(List.of(TOKEN));
            case "apikey" -> new VerifierConfig.ApiKey("x-evolution-apikey", List.of(TOKEN));
            case "standard-webhooks" -> new VerifierConfig.StandardWebhooks(List.of(WHSEC), null);
            case "stripe" -> new VerifierConfig.Stripe(List.of(HMAC_SECRET), null);
            case "slack" -> new VerifierConfig.Slack(List.of(HMAC_SECRET), null);
            default -> throw new IllegalArgumentException(preset);
        };
    }

    /** Reads {@code -H 'Name: value'} lines back the way curl would send them. */
    static Headers headers(String printed) {
        Headers headers = Headers.create();
        printed.lines().forEach(line -> {
            String unquoted = line.substring("-H '".length(), line.length() - 1).replace("'\\''", "'");
            int colon = unquoted.indexOf(": ");
            headers.add(unquoted.substring(0, colon), unquoted.substring(colon + 2));
        });
        return headers;
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BulwarkCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString().replace(System.lineSeparator(), "\n"),
                err.toString().replace(System.lineSeparator(), "\n"));
    }

    private record Result(int code, String out, String err) {
    }
}
