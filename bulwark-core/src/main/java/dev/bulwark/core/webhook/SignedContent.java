package dev.bulwark.core.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a provider signs, compiled from a template such as {@code "{id}.{timestamp}.{body}"} or
 * {@code "v0:{timestamp}:{body}"}: literal text and three placeholders, fed to a MAC piece by piece.
 * Immutable.
 */
final class SignedContent {

    private enum Kind { LITERAL, BODY, TIMESTAMP, ID }

    private record Part(Kind kind, byte[] literal) {
    }

    private final List<Part> parts;
    private final boolean usesTimestamp;
    private final boolean usesId;

    private SignedContent(List<Part> parts) {
        this.parts = List.copyOf(parts);
        this.usesTimestamp = parts.stream().anyMatch(p -> p.kind == Kind.TIMESTAMP);
        this.usesId = parts.stream().anyMatch(p -> p.kind == Kind.ID);
    }

    /** The raw body alone, as Meta and GitHub sign it. */
    static final SignedContent BODY = parse("{body}");

    /**
     * @throws IllegalArgumentException when the template has no {@code {body}}, an unknown placeholder or an
     *     unclosed brace
     */
    static SignedContent parse(String template) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int bodies = 0;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '{') {
                literal.append(c);
                continue;
            }
            int close = template.indexOf('}', i);
            if (close < 0) {
                throw new IllegalArgumentException("signed content template has an unclosed brace: " + template);
            }
            String name = template.substring(i + 1, close);
            Kind kind = switch (name) {
                case "body" -> Kind.BODY;
                case "timestamp" -> Kind.TIMESTAMP;
                case "id" -> Kind.ID;
                default -> throw new IllegalArgumentException(
                        "signed content placeholder must be {body}, {timestamp} or {id}: {" + name + "}");
            };
            if (kind == Kind.BODY) {
                bodies++;
            }
            if (!literal.isEmpty()) {
                parts.add(new Part(Kind.LITERAL, literal.toString().getBytes(StandardCharsets.UTF_8)));
                literal.setLength(0);
            }
            parts.add(new Part(kind, null));
            i = close;
        }
        if (!literal.isEmpty()) {
            parts.add(new Part(Kind.LITERAL, literal.toString().getBytes(StandardCharsets.UTF_8)));
        }
        if (bodies != 1) {
            throw new IllegalArgumentException("signed content template must contain {body} exactly once: "
                    + template);
        }
        return new SignedContent(parts);
    }

    boolean usesTimestamp() {
        return usesTimestamp;
    }

    boolean usesId() {
        return usesId;
    }

    /** Feeds the content to {@code sink}; {@code id} and {@code timestamp} may be null when unused. */
    void feed(String id, String timestamp, byte[] body, Crypto.Sink sink) throws GeneralSecurityException {
        for (Part part : parts) {
            switch (part.kind) {
                case LITERAL -> sink.update(part.literal);
                case BODY -> sink.update(body);
                case TIMESTAMP -> sink.update(timestamp.getBytes(StandardCharsets.UTF_8));
                case ID -> sink.update(id.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** @return the MAC of the content under {@code key} */
    byte[] mac(String algorithm, byte[] key, String id, String timestamp, byte[] body) {
        javax.crypto.Mac mac = Crypto.mac(algorithm, key);
        try {
            feed(id, timestamp, body, mac::update);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("mac update cannot fail", e);
        }
        return mac.doFinal();
    }
}
