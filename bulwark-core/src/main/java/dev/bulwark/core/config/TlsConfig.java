package dev.bulwark.core.config;

import java.nio.file.Path;

/**
 * Server TLS from PEM files. Only TLS 1.2 and 1.3 are enabled; ALPN offers h2 and http/1.1.
 *
 * @param certificate PEM certificate chain, leaf first
 * @param privateKey  PEM private key (PKCS#8 or PKCS#1)
 */
public record TlsConfig(Path certificate, Path privateKey) {
}
