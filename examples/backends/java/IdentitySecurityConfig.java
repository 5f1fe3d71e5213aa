package com.example.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.web.SecurityFilterChain;

import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;

/**
 * Spring Security resource server: every request needs a valid X-Bulwark-Identity token, whose roles become
 * ROLE_* authorities. Needs spring-boot-starter-oauth2-resource-server and com.google.crypto.tink:tink.
 */
@Configuration
public class IdentitySecurityConfig {

    @Bean
    JwtDecoder bulwarkIdentityDecoder(@Value("${bulwark.jwks-url}") String jwksUrl,
                                      @Value("${bulwark.issuer}") String issuer,
                                      @Value("${bulwark.audience}") String audience) throws MalformedURLException {
        // Not NimbusJwtDecoder.withJwkSetUri(...): Spring's SignatureAlgorithm has no EdDSA, and Nimbus's
        // JWTProcessor cannot verify Ed25519, so BulwarkIdentity checks typ, alg, signature, iss, aud and exp.
        BulwarkIdentity identity = new BulwarkIdentity(URI.create(jwksUrl).toURL(), issuer, audience);
        return token -> {
            try {
                JWTClaimsSet claims = identity.verify(token);
                return Jwt.withTokenValue(token)
                        .header("alg", "EdDSA")
                        .header("typ", BulwarkIdentity.TYPE.getType())
                        .claims(values -> values.putAll(claims.getClaims()))
                        .issuedAt(claims.getIssueTime().toInstant())
                        .expiresAt(claims.getExpirationTime().toInstant())
                        .build();
            } catch (ParseException | JOSEException | BadJOSEException refused) {
                throw new BadJwtException("bulwark identity token refused: " + refused.getMessage(), refused);
            }
        };
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, JwtDecoder bulwarkIdentityDecoder) throws Exception {
        JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
        roles.setAuthoritiesClaimName("roles");
        roles.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter identity = new JwtAuthenticationConverter();
        identity.setJwtGrantedAuthoritiesConverter(roles);
        return http
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .oauth2ResourceServer(server -> server
                        .bearerTokenResolver(request -> request.getHeader("X-Bulwark-Identity"))
                        .jwt(jwt -> jwt.decoder(bulwarkIdentityDecoder).jwtAuthenticationConverter(identity)))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }
}
