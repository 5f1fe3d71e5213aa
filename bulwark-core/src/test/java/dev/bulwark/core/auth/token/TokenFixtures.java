package dev.bulwark.core.auth.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.util.Base64URL;

import java.nio.charset.StandardCharsets;

/** Helpers to hand-craft tokens, including ones no honest issuer would produce. */
final class TokenFixtures {

    static final String ISSUER = "https://auth.bulwark.test";
    static final String AUDIENCE = "bulwark-api";

    private TokenFixtures() {
    }

    static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Signs the exact header and payload text given, so duplicate keys and odd values survive. */
    static String signRaw(String headerJson, String payloadJson, JWSSigner signer, JWSAlgorithm alg) {
        String input = b64(headerJson) + "." + b64(payloadJson);
        try {
            return input + "." + signer.sign(new JWSHeader(alg), input.getBytes(StandardCharsets.US_ASCII));
        } catch (Exception failure) {
            throw new IllegalStateException(failure);
        }
    }

    static String payload(long iat, long exp, String extra) {
        return "{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\",\"sub\":\"user-1\",\"sid\":\"s-1\","
                + "\"jti\":\"j-1\",\"iat\":" + iat + ",\"nbf\":" + iat + ",\"exp\":" + exp
                + ",\"roles\":[\"customer\"]" + extra + "}";
    }
}
