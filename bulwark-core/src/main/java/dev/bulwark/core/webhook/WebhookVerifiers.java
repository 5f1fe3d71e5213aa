package dev.bulwark.core.webhook;

import dev.bulwark.core.config.Mode;
import dev.bulwark.core.idempotency.IdempotencyConfig;
import dev.bulwark.core.idempotency.IdempotencyKeySource;
import dev.bulwark.core.webhook.VerifierConfig.ApiKey;
import dev.bulwark.core.webhook.VerifierConfig.GitHub;
import dev.bulwark.core.webhook.VerifierConfig.Hmac;
import dev.bulwark.core.webhook.VerifierConfig.Meta;
import dev.bulwark.core.webhook.VerifierConfig.Slack;
import dev.bulwark.core.webhook.VerifierConfig.StandardWebhooks;
import dev.bulwark.core.webhook.VerifierConfig.Stripe;
import dev.bulwark.core.webhook.VerifierConfig.Telegram;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Validates webhook configuration and builds verifiers from it: the one entry point for the YAML loader and
 * Java callers alike.
 *
 * <p>{@link #problems} lists every problem at once, each as {@code <key path>: <what is wrong>} relative to the
 * route's {@code webhook} block, in lowercase, naming the bad value, except secrets, which are described by
 * position and length only. Production mode also refuses weak secrets: HMAC keys under 32 bytes
 * ({@code whsec_} keys under 24 decoded bytes, the Standard Webhooks minimum), tokens and API keys under 16
 * characters, secrets with fewer than 8 distinct characters, and placeholders such as {@code changeme} or
 * {@code demo}. Stateless and thread-safe.
 */
public final class WebhookVerifiers {

    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}");
    private static final Pattern TELEGRAM_TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,256}");
    private static final List<String> PLACEHOLDERS = List.of("changeme", "change-me", "change_me", "your-",
            "your_", "example", "placeholder", "demo", "password");
    private static final Duration MAX_TOLERANCE = Duration.ofHours(1);
    private static final Duration MAX_TTL = Duration.ofDays(30);
    private static final int MIN_HMAC_BYTES = 32;
    private static final int MIN_WHSEC_BYTES = 24;
    private static final int MIN_TOKEN_CHARS = 16;
    private static final int MIN_DISTINCT_CHARS = 8;

    private WebhookVerifiers() {
    }

    /**
     * @return every problem with {@code config}; empty when it is valid
     */
    public static List<String> problems(WebhookConfig config, Mode mode) {
        List<String> problems = new ArrayList<>();
        VerifierConfig verifier = config.verifier();
        checkSecrets(verifier, mode, problems);
        switch (verifier) {
            case Meta meta -> checkTokens("verifyTokens", meta.verifyTokens(), mode, false, problems);
            case ApiKey apiKey -> checkHeader("header", apiKey.header(), problems);
            case StandardWebhooks sw -> checkTolerance(sw.tolerance(), problems);
            case Stripe stripe -> checkTolerance(stripe.tolerance(), problems);
            case Slack slack -> checkTolerance(slack.tolerance(), problems);
            case Hmac hmac -> checkHmac(hmac, problems);
            case GitHub gitHub -> { }
            case Telegram telegram -> { }
        }
        checkIdempotency(config, problems);
        return problems;
    }

    /**
     * Validates {@code config} and builds the route's webhook handling.
     *
     * @throws IllegalArgumentException listing every problem, one per line, when the config is invalid
     */
    public static CompiledWebhook create(WebhookConfig config, Mode mode) {
        List<String> problems = problems(config, mode);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid webhook config:\n" + String.join("\n", problems));
        }
        IdempotencyConfig idempotency = effectiveIdempotency(config);
        IdempotencyKeySource key = idempotency.enabled() ? IdempotencyKeySource.parse(idempotency.key()) : null;
        MetaSubscriptionHandshake handshake = config.verifier() instanceof Meta meta && !meta.verifyTokens().isEmpty()
                ? new MetaSubscriptionHandshake(meta.verifyTokens()) : null;
        return new CompiledWebhook(build(config.verifier()), key, key == null ? null : idempotency.effectiveTtl(),
                handshake);
    }

    /**
     * Validates {@code config} and builds only its verifier, for callers that de-duplicate themselves.
     *
     * @throws IllegalArgumentException listing every problem when the config is invalid
     */
    public static WebhookVerifier create(VerifierConfig config, Mode mode) {
        return create(new WebhookConfig(config, IdempotencyConfig.DISABLED), mode).verifier();
    }

    /**
     * @return the de-duplication key a preset uses unless configured otherwise: the provider's delivery or
     *     event id; {@code null} for presets that cannot know one ({@code apikey}, {@code hmac})
     */
    public static String defaultIdempotencyKey(VerifierConfig verifier) {
        return switch (verifier) {
            case Meta meta -> "$.entry[0].changes[0].value.messages[0].id";
            case Telegram telegram -> "$.update_id";
            case StandardWebhooks sw -> StandardWebhooksVerifier.ID;
            case GitHub gitHub -> "X-GitHub-Delivery";
            case Stripe stripe -> "$.id";
            case Slack slack -> "$.event_id";
            case ApiKey apiKey -> null;
            case Hmac hmac -> null;
        };
    }

    private static IdempotencyConfig effectiveIdempotency(WebhookConfig config) {
        IdempotencyConfig idempotency = config.idempotency();
        String defaultKey = defaultIdempotencyKey(config.verifier());
        if (idempotency == null) {
            return defaultKey == null ? IdempotencyConfig.DISABLED : new IdempotencyConfig(true, defaultKey, null);
        }
        if (idempotency.enabled() && idempotency.key() == null) {
            return new IdempotencyConfig(true, defaultKey, idempotency.ttl());
        }
        return idempotency;
    }

    private static WebhookVerifier build(VerifierConfig config) {
        return switch (config) {
            case Meta meta -> hubSignature("meta", meta.secrets());
            case GitHub gitHub -> hubSignature("github", gitHub.secrets());
            case Telegram telegram -> new TokenVerifier("telegram", "X-Telegram-Bot-Api-Secret-Token",
                    telegram.secrets());
            case ApiKey apiKey -> new TokenVerifier("apikey", apiKey.header(), apiKey.secrets());
            case StandardWebhooks sw -> new StandardWebhooksVerifier(sw.secrets(), tolerance(sw.tolerance()));
            case Stripe stripe -> new StripeVerifier(stripe.secrets(), tolerance(stripe.tolerance()));
            case Slack slack -> new HmacVerifier("slack", utf8(slack.secrets()), "X-Slack-Signature",
                    Hmac.Algorithm.SHA256, Hmac.Encoding.HEX, "v0=", SignedContent.parse("v0:{timestamp}:{body}"),
                    "X-Slack-Request-Timestamp", Hmac.TimestampUnit.SECONDS, tolerance(slack.tolerance()), null);
            case Hmac hmac -> new HmacVerifier(hmac.provider() == null ? "hmac" : hmac.provider(),
                    utf8(hmac.secrets()), hmac.header(), hmac.algorithm(), hmac.encoding(), hmac.prefix(),
                    hmac.signedContent() == null ? SignedContent.BODY : SignedContent.parse(hmac.signedContent()),
                    hmac.timestampHeader(), hmac.timestampUnit(), hmac.tolerance(), hmac.idHeader());
        };
    }

    private static WebhookVerifier hubSignature(String provider, List<String> secrets) {
        return new HmacVerifier(provider, utf8(secrets), "X-Hub-Signature-256", Hmac.Algorithm.SHA256,
                Hmac.Encoding.HEX, "sha256=", SignedContent.BODY, null, null, null, null);
    }

    private static List<byte[]> utf8(List<String> secrets) {
        return secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static Duration tolerance(Duration configured) {
        return configured == null ? VerifierConfig.DEFAULT_TOLERANCE : configured;
    }

    private static void checkSecrets(VerifierConfig verifier, Mode mode, List<String> problems) {
        switch (verifier) {
            case Telegram telegram -> {
                checkTokens("secrets", telegram.secrets(), mode, true, problems);
                for (int i = 0; i < telegram.secrets().size(); i++) {
                    if (!TELEGRAM_TOKEN.matcher(telegram.secrets().get(i)).matches()) {
                        problems.add("secrets[" + i + "]: telegram secret token must be 1 to 256 characters of "
                                + "A-Z, a-z, 0-9, _ and - (" + telegram.secrets().get(i).length() + " characters)");
                    }
                }
            }
            case ApiKey apiKey -> checkTokens("secrets", apiKey.secrets(), mode, true, problems);
            case StandardWebhooks sw -> checkStandardWebhooksKeys(sw.secrets(), mode, problems);
            default -> {
                List<String> secrets = verifier.secrets();
                if (secrets.isEmpty()) {
                    problems.add("secrets: at least one secret is required for preset " + verifier.preset());
                }
                for (int i = 0; i < secrets.size(); i++) {
                    byte[] bytes = secrets.get(i).getBytes(StandardCharsets.UTF_8);
                    checkStrength("secrets[" + i + "]", secrets.get(i), bytes.length, MIN_HMAC_BYTES, "bytes", mode,
                            problems);
                }
            }
        }
    }

    private static void checkTokens(String key, List<String> tokens, Mode mode, boolean required,
                                    List<String> problems) {
        if (required && tokens.isEmpty()) {
            problems.add(key + ": at least one is required");
        }
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            checkStrength(key + "[" + i + "]", token, token.length(), MIN_TOKEN_CHARS, "characters", mode, problems);
        }
    }

    private static void checkStandardWebhooksKeys(List<String> secrets, Mode mode, List<String> problems) {
        if (secrets.isEmpty()) {
            problems.add("secrets: at least one whsec_ secret or whpk_ public key is required");
        }
        for (int i = 0; i < secrets.size(); i++) {
            String secret = secrets.get(i);
            String key = "secrets[" + i + "]";
            boolean symmetric = secret.startsWith(StandardWebhooksVerifier.SECRET_PREFIX);
            if (!symmetric && !secret.startsWith(StandardWebhooksVerifier.PUBLIC_KEY_PREFIX)) {
                problems.add(key + ": must start with whsec_ (hmac secret) or whpk_ (ed25519 public key)");
                continue;
            }
            String encoded = secret.substring(symmetric ? 6 : 5);
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                problems.add(key + ": must be base64 after its prefix");
                continue;
            }
            if (!symmetric) {
                if (bytes.length != 32) {
                    problems.add(key + ": ed25519 public key must be 32 bytes: " + bytes.length + " bytes");
                }
            } else if (bytes.length == 0) {
                problems.add(key + ": must not be empty");
            } else if (mode == Mode.PRODUCTION && bytes.length < MIN_WHSEC_BYTES) {
                problems.add(key + ": must be at least " + MIN_WHSEC_BYTES + " bytes in production mode: "
                        + bytes.length + " bytes");
            }
        }
    }

    /** Weak-secret rules; messages describe the secret, never quote it. */
    private static void checkStrength(String key, String secret, int length, int minimum, String unit, Mode mode,
                                      List<String> problems) {
        if (secret.isBlank()) {
            problems.add(key + ": must not be empty");
            return;
        }
        if (mode != Mode.PRODUCTION) {
            return;
        }
        if (length < minimum) {
            problems.add(key + ": must be at least " + minimum + " " + unit + " in production mode: " + length + " "
                    + unit);
        } else if (secret.chars().distinct().count() < MIN_DISTINCT_CHARS) {
            problems.add(key + ": has fewer than " + MIN_DISTINCT_CHARS
                    + " distinct characters, too weak for production mode");
        }
        String lower = secret.toLowerCase(Locale.ROOT);
        for (String placeholder : PLACEHOLDERS) {
            if (lower.contains(placeholder)) {
                problems.add(key + ": looks like a placeholder (contains \"" + placeholder
                        + "\"), refused in production mode");
                break;
            }
        }
    }

    private static void checkHeader(String key, String header, List<String> problems) {
        if (header == null || !HEADER_NAME.matcher(header).matches()) {
            problems.add(key + ": must be a header name: " + header);
        }
    }

    private static void checkTolerance(Duration tolerance, List<String> problems) {
        if (tolerance != null && (tolerance.isNegative() || tolerance.isZero()
                || tolerance.compareTo(MAX_TOLERANCE) > 0)) {
            problems.add("tolerance: must be positive and at most " + MAX_TOLERANCE + ": " + tolerance);
        }
    }

    private static void checkHmac(Hmac hmac, List<String> problems) {
        checkHeader("header", hmac.header(), problems);
        if (hmac.algorithm() == null) {
            problems.add("algorithm: must be SHA256 or SHA512");
        }
        if (hmac.encoding() == null) {
            problems.add("encoding: must be HEX or BASE64");
        }
        if (hmac.prefix() != null && hmac.prefix().length() > 64) {
            problems.add("prefix: must be at most 64 characters: " + hmac.prefix().length() + " characters");
        }
        SignedContent content = SignedContent.BODY;
        if (hmac.signedContent() != null) {
            try {
                content = SignedContent.parse(hmac.signedContent());
            } catch (IllegalArgumentException e) {
                problems.add("signedContent: " + e.getMessage());
            }
        }
        if ((content.usesTimestamp() || hmac.tolerance() != null) && hmac.timestampHeader() == null) {
            problems.add("timestampHeader: required when signedContent uses {timestamp} or a tolerance is set");
        } else if (hmac.timestampHeader() != null) {
            checkHeader("timestampHeader", hmac.timestampHeader(), problems);
        }
        if (content.usesId() && hmac.idHeader() == null) {
            problems.add("idHeader: required when signedContent uses {id}");
        } else if (hmac.idHeader() != null) {
            checkHeader("idHeader", hmac.idHeader(), problems);
        }
        checkTolerance(hmac.tolerance(), problems);
    }

    private static void checkIdempotency(WebhookConfig config, List<String> problems) {
        IdempotencyConfig idempotency = config.idempotency();
        if (idempotency == null || !idempotency.enabled()) {
            return;
        }
        String key = idempotency.key() != null ? idempotency.key() : defaultIdempotencyKey(config.verifier());
        if (key == null) {
            problems.add("idempotency.key: required for preset " + config.preset()
                    + " (a header name or a json path such as $.id)");
        } else {
            try {
                IdempotencyKeySource.parse(key);
            } catch (IllegalArgumentException e) {
                problems.add("idempotency.key: " + e.getMessage());
            }
        }
        Duration ttl = idempotency.ttl();
        if (ttl != null && (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0)) {
            problems.add("idempotency.ttl: must be positive and at most " + MAX_TTL + ": " + ttl);
        }
    }
}
