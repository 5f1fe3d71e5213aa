/**
 * Access and refresh tokens, framework-free: signing keys and their ring with rotation and encryption at rest
 * ({@link dev.bulwark.core.auth.token.SigningKeys}, {@link dev.bulwark.core.auth.token.KeyRing},
 * {@link dev.bulwark.core.auth.token.KeyEncryption}), JWT access tokens
 * ({@link dev.bulwark.core.auth.token.AccessTokenIssuer}, {@link dev.bulwark.core.auth.token.AccessTokenVerifier},
 * {@link dev.bulwark.core.auth.token.VerifiedTokenCache}) and opaque refresh tokens
 * ({@link dev.bulwark.core.auth.token.RefreshTokens}). JOSE work is done by Nimbus JOSE+JWT; nothing here parses
 * a JWT or implements a primitive by hand.
 */
package dev.bulwark.core.auth.token;
