package dev.bulwark.core.auth.token;

import java.time.Duration;
import java.util.Objects;

/**
 * What access tokens say and how strictly they are checked.
 *
 * <p>The constructor throws {@link IllegalArgumentException} naming the bad value.
 *
 * @param issuer         the {@code iss} written and required
 * @param audience       the {@code aud} written and required
 * @param lifetime       from {@code iat} to {@code exp}
 * @param clockSkew      tolerance for {@code exp}, {@code nbf} and {@code iat} between nodes' clocks
 * @param maxTokenLength longest token (in characters) even looked at; longer ones are refused unparsed
 */
public record TokenConfig(String issuer, String audience, Duration lifetime, Duration clockSkew,
                          int maxTokenLength) {

    /** Access tokens live 15 minutes; revocation covers the rest. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(15);
    /** Enough for NTP-synchronised nodes, too little to matter for an attacker. */
    public static final Duration DEFAULT_SKEW = Duration.ofSeconds(30);
    /** Our tokens are under 1 KiB; 8 KiB leaves room for many roles and stays below header limits. */
    public static final int DEFAULT_MAX_TOKEN_LENGTH = 8 * 1024;

    public TokenConfig {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("token issuer must not be blank: " + issuer);
        }
        if (audience == null || audience.isBlank()) {
            throw new IllegalArgumentException("token audience must not be blank: " + audience);
        }
        Objects.requireNonNull(lifetime, "lifetime");
        if (lifetime.compareTo(Duration.ofSeconds(10)) < 0 || lifetime.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("access token lifetime must be 10s to 1d: " + lifetime);
        }
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("token clock skew must be 0 to 5m: " + clockSkew);
        }
        if (maxTokenLength < 512 || maxTokenLength > 64 * 1024) {
            throw new IllegalArgumentException("max token length must be 512 to 65536: " + maxTokenLength);
        }
    }

    /** @return a config with the default lifetime, skew and size limit */
    public static TokenConfig of(String issuer, String audience) {
        return new TokenConfig(issuer, audience, DEFAULT_LIFETIME, DEFAULT_SKEW, DEFAULT_MAX_TOKEN_LENGTH);
    }

    /** @return how long a rotated-out key must keep verifying: the lifetime plus the skew */
    public Duration keyRetention() {
        return lifetime.plus(clockSkew);
    }
}
