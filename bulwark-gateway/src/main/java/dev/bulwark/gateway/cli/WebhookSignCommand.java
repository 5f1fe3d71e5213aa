package dev.bulwark.gateway.cli;

import dev.bulwark.core.webhook.WebhookSigner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code bulwark webhooks sign}: prints the headers a provider would send with a body, as curl arguments
 * ({@code -H 'Name: value'}, one per line), so a webhook route can be tested with copy and paste.
 *
 * <p>The secret is used only to compute the headers; it appears in the output only where the scheme itself
 * sends it ({@code telegram}, {@code apikey}), never in an error. Problems are one line on standard error:
 * exit 2 for a bad argument, 1 for an unreadable body file ({@link IllegalArgumentException}). Not thread-safe; one instance per invocation.
 */
@Command(name = "sign", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = {"Print the headers a webhook provider would send with a body, as curl -H arguments.",
                "Paste them into a curl command, or pipe them: ... | xargs curl --data-binary @FILE URL"},
        footer = {"", "Example:",
                "  bulwark webhooks sign --preset meta --secret \"$META_APP_SECRET\" --body delivery.json"})
final class WebhookSignCommand implements Runnable {

    private static final Set<String> SIGNED_BODY = Set.of("meta", "github", "standard-webhooks", "stripe", "slack");
    private static final Set<String> WITH_ID = Set.of("standard-webhooks", "github");
    private static final Set<String> TIMESTAMPED = Set.of("standard-webhooks", "stripe", "slack");

    @Spec
    CommandSpec spec;

    @Option(names = "--preset", required = true, paramLabel = "PRESET",
            description = "meta, github, telegram, apikey, standard-webhooks, stripe or slack.")
    String preset;

    @Option(names = "--secret", required = true, paramLabel = "SECRET",
            description = {"The app secret, signing secret (whsec_... for standard-webhooks), token or API key.",
                    "Pass it from a variable (--secret \"$SECRET\") to keep it out of your shell history."})
    String secret;

    @Option(names = "--body", paramLabel = "FILE|-",
            description = {"The exact body to sign: a file, or - for standard input.",
                    "Required for meta, github, standard-webhooks, stripe and slack."})
    String body;

    @Option(names = "--id", paramLabel = "ID",
            description = {"The delivery id: webhook-id for standard-webhooks (default: a random msg_ id),",
                    "X-GitHub-Delivery for github."})
    String id;

    @Option(names = "--timestamp", paramLabel = "T",
            description = "Unix seconds to sign with, for standard-webhooks, stripe and slack (default: now).")
    Long timestamp;

    @Option(names = "--header", paramLabel = "NAME",
            description = "The header carrying the key, for apikey (e.g. x-evolution-apikey).")
    String header;

    @Override
    public void run() {
        validate();
        byte[] bytes = body == null ? new byte[0] : readBody();
        String deliveryId = id == null && preset.equals("standard-webhooks")
                ? "msg_" + UUID.randomUUID().toString().replace("-", "") : id;
        Instant time = timestamp == null ? Instant.now() : Instant.ofEpochSecond(timestamp);
        Map<String, String> headers;
        try {
            headers = WebhookSigner.sign(preset, secret, bytes, deliveryId, time, header);
        } catch (IllegalArgumentException badSecret) {
            // The signer's messages describe the secret's shape, never its value.
            throw new ParameterException(spec.commandLine(), "--secret: " + badSecret.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (preset.equals("github") && deliveryId != null) {
            out.println(curlHeader("X-GitHub-Delivery", deliveryId));
        }
        headers.forEach((name, value) -> out.println(curlHeader(name, value)));
    }

    private void validate() {
        if (!WebhookSigner.PRESETS.contains(preset)) {
            throw usage("--preset must be one of " + String.join(", ", WebhookSigner.PRESETS) + ": " + preset);
        }
        if (secret.isEmpty()) {
            throw usage("--secret must not be empty");
        }
        if (secret.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw usage("--secret must not contain control characters");
        }
        if (SIGNED_BODY.contains(preset) && body == null) {
            throw usage("--body is required for preset " + preset + " (a file, or - for standard input)");
        }
        if (!SIGNED_BODY.contains(preset) && body != null) {
            throw usage("--body does not apply to preset " + preset + ": its header carries the secret itself");
        }
        if (id != null && !WITH_ID.contains(preset)) {
            throw usage("--id only applies to presets " + String.join(" and ", sorted(WITH_ID)) + ": not " + preset);
        }
        if (id != null && (id.isBlank() || id.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            throw usage("--id must be printable text without control characters");
        }
        if (timestamp != null && !TIMESTAMPED.contains(preset)) {
            throw usage("--timestamp only applies to presets " + String.join(", ", sorted(TIMESTAMPED))
                    + ": not " + preset);
        }
        if (timestamp != null && timestamp < 0) {
            throw usage("--timestamp must be unix seconds, not negative: " + timestamp);
        }
        if (preset.equals("apikey") && header == null) {
            throw usage("--header is required for preset apikey (the header carrying the key, e.g. x-evolution-apikey)");
        }
        if (header != null && !preset.equals("apikey")) {
            throw usage("--header only applies to preset apikey: not " + preset);
        }
        if (header != null && !header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}")) {
            throw usage("--header must be a header name: " + header);
        }
    }

    private byte[] readBody() {
        try {
            return body.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(body));
        } catch (NoSuchFileException missing) {
            throw new IllegalArgumentException("cannot read body file " + body + ": no such file", missing);
        } catch (IOException unreadable) {
            throw new IllegalArgumentException("cannot read body " + (body.equals("-") ? "from standard input"
                    : "file " + body) + ": " + unreadable.getClass().getSimpleName(), unreadable);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static List<String> sorted(Set<String> presets) {
        return presets.stream().sorted().toList();
    }

    /** One curl argument pair, single-quoted for a POSIX shell (and for xargs). */
    static String curlHeader(String name, String value) {
        return "-H '" + (name + ": " + value).replace("'", "'\\''") + "'";
    }
}
