/**
 * Trust in access tokens from external issuers (OIDC providers such as Keycloak, Auth0 or Okta), with the same
 * protections as Bulwark's own tokens: {@link dev.bulwark.core.auth.external.ExternalIssuerConfig} says who is
 * trusted and how claims map, {@link dev.bulwark.core.auth.external.JwksSource} keeps the issuer's keys (fetched,
 * refreshed, outage-tolerant, never fetched from a token), {@link dev.bulwark.core.auth.external.ExternalTokenVerifier}
 * verifies one issuer's tokens, and {@link dev.bulwark.core.auth.external.IssuerDispatch} sends each token to the
 * verifier of the issuer it claims. JOSE work is done by Nimbus JOSE+JWT.
 */
package dev.bulwark.core.auth.external;
