// Verifies the X-Bulwark-Identity header that Bulwark adds to every authenticated request it forwards.
// Trust this token, not the plain X-User-Id/X-Roles headers, unless only Bulwark can reach this service.
import { createRemoteJWKSet, jwtVerify } from 'jose';

function setting(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

const issuer = setting('BULWARK_ISSUER'); // auth.issuer in bulwark.yaml
const audience = setting('BULWARK_AUDIENCE'); // this backend's upstream name in bulwark.yaml
// Fetched once, then cached; refetched when a token names a key it has not seen (after a rotation).
const keys = createRemoteJWKSet(new URL(setting('BULWARK_JWKS_URL'))); // https://<bulwark>/.well-known/jwks.json

/** @returns {Promise<{userId: string, sessionId?: string, roles: string[], tenant?: string, requestId?: string}>} */
export async function verifyIdentity(token) {
  const { payload } = await jwtVerify(token, keys, {
    issuer,
    audience,
    typ: 'bulwark-identity+jwt', // a client's own access token (at+jwt) is refused
    algorithms: ['EdDSA'],
    requiredClaims: ['sub', 'iat', 'exp', 'jti'],
  });
  return {
    userId: payload.sub,
    sessionId: payload.sid,
    roles: payload.roles ?? [],
    tenant: payload.tenant,
    requestId: payload.req,
  };
}
