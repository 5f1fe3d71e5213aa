"""Verifies the X-Bulwark-Identity header that Bulwark adds to every authenticated request it forwards.

Trust this token, not the plain X-User-Id/X-Roles headers, unless only Bulwark can reach this service.
"""
import json
import os
import sys

import jwt

ISSUER = os.environ["BULWARK_ISSUER"]  # auth.issuer in bulwark.yaml
AUDIENCE = os.environ["BULWARK_AUDIENCE"]  # this backend's upstream name in bulwark.yaml
# Caches the keys; refetches when a token names a key it has not seen (after a rotation).
KEYS = jwt.PyJWKClient(os.environ["BULWARK_JWKS_URL"])  # https://<bulwark>/.well-known/jwks.json
TOKEN_TYPE = "bulwark-identity+jwt"


def verify_identity(token: str) -> dict:
    """Returns the verified claims (sub, sid, roles, tenant, req); raises jwt.PyJWTError when refused."""
    # The signature covers the header, so once decode() succeeds this typ is the one Bulwark wrote.
    if jwt.get_unverified_header(token).get("typ") != TOKEN_TYPE:  # a client's access token (at+jwt) is refused
        raise jwt.InvalidTokenError("not a bulwark identity token")
    key = KEYS.get_signing_key_from_jwt(token)
    return jwt.decode(
        token,
        key.key,
        algorithms=["EdDSA"],
        issuer=ISSUER,
        audience=AUDIENCE,
        options={"require": ["iss", "aud", "sub", "iat", "exp", "jti"]},
    )


if __name__ == "__main__":
    try:
        print(json.dumps(verify_identity(sys.argv[1] if len(sys.argv) > 1 else "")))
    except jwt.PyJWTError as error:
        print(f"rejected: {error}", file=sys.stderr)
        sys.exit(1)
