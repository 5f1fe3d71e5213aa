package dev.bulwark.core.auth.external;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.bulwark.core.auth.token.TokenAlgorithm;

import java.nio.charset.StandardCharsets;

/** Keys an identity provider would hold, and tokens signed with them exactly as written, honest or not. */
final class ExternalTokens {

    static final String ISSUER = "https://idp.test/realms/shop";
    static final String AUDIENCE = "shop-api";

    private ExternalTokens() {
    }

    static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .generate();
        } catch (JOSEException failure) {
            throw new IllegalStateException(failure);
        }
    }

    static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .generate();
        } catch (JOSEException failure) {
            throw new IllegalStateException(failure);
        }
    }

    static OctetKeyPair ed(String kid) {
        try {
            return new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.EdDSA).generate();
        } catch (JOSEException failure) {
            throw new IllegalStateException(failure);
        }
    }

    static JWK key(TokenAlgorithm algorithm, String kid) {
        return switch (algorithm) {
            case RS256 -> rsa(kid);
            case ES256 -> ec(kid);
            case EDDSA -> ed(kid);
            case HS256 -> throw new IllegalArgumentException("no hmac at an identity provider");
        };
    }

    static JWSSigner signer(JWK key) {
        try {
            if (key instanceof RSAKey rsa) {
                return new RSASSASigner(rsa);
            }
            if (key instanceof ECKey ec) {
                return new ECDSASigner(ec);
            }
            return new Ed25519Signer((OctetKeyPair) key);
        } catch (JOSEException failure) {
            throw new IllegalStateException(failure);
        }
    }

    static String alg(JWK key) {
        return key.getAlgorithm().getName();
    }

    static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Signs the exact header and payload text given with {@code key}. */
    static String signRaw(String headerJson, String payloadJson, JWK key) {
        return signRaw(headerJson, payloadJson, signer(key), key.getAlgorithm().getName());
    }

    static String signRaw(String headerJson, String payloadJson, JWSSigner signer, String alg) {
        String input = b64(headerJson) + "." + b64(payloadJson);
        try {
            return input + "." + signer.sign(new JWSHeader(JWSAlgorithm.parse(alg)),
                    input.getBytes(StandardCharsets.US_ASCII));
        } catch (JOSEException failure) {
            throw new IllegalStateException(failure);
        }
    }

    /** The header Keycloak writes. */
    static String header(JWK key) {
        return "{\"alg\":\"" + alg(key) + "\",\"typ\":\"JWT\",\"kid\":\"" + key.getKeyID() + "\"}";
    }

    /** A Keycloak-style access token's claims, valid from {@code iat} for five minutes; {@code extra} is appended. */
    static String keycloakPayload(long iat, String extra) {
        return "{\"exp\":" + (iat + 300) + ",\"iat\":" + iat + ",\"jti\":\"onrtac:5a1d\",\"iss\":\"" + ISSUER
                + "\",\"aud\":[\"" + AUDIENCE + "\",\"account\"],\"sub\":\"f3b1c2d4\",\"typ\":\"Bearer\","
                + "\"azp\":\"shop-web\",\"sid\":\"7c9e\",\"realm_access\":{\"roles\":[\"admin\",\"offline_access\"]},"
                + "\"resource_access\":{\"account\":{\"roles\":[\"view-profile\"]}},\"tenant\":\"clinic-3\""
                + extra + "}";
    }

    /** A Keycloak-style token signed by {@code key}. */
    static String token(JWK key, long iat) {
        return signRaw(header(key), keycloakPayload(iat, ""), key);
    }
}
