package dev.bulwark.core.auth.token;

/**
 * Which implementation computes a signature check. All are correct; they differ a lot in speed (see
 * {@code TokenVerificationBenchmark}), so {@link JwsProviders} picks one per algorithm.
 */
public enum CryptoProvider {
    /** The JDK's own JCA providers (SunEC, SunRsaSign, SunJCE). */
    JDK,
    /** Bouncy Castle's JCA provider, used as an instance, never registered globally. */
    BOUNCY_CASTLE,
    /** Google Tink's Ed25519 (what Nimbus uses for {@code OctetKeyPair}); EdDSA only. */
    TINK
}
