package dev.bulwark.core.webhook;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Meta's webhook subscription handshake, as a pure function over the query string: Meta calls
 * {@code GET ?hub.mode=subscribe&hub.verify_token=<token>&hub.challenge=<challenge>} and expects the challenge
 * echoed with 200 when the token is right.
 *
 * <p>The token is compared in constant time against every configured token (rotation). Because the challenge
 * is reflected to the caller, only short challenges of URL-safe characters are echoed; anything else is
 * refused, so the endpoint cannot be used to reflect markup. Repeated parameters are refused rather than
 * guessing which copy counts. Immutable and thread-safe.
 */
public final class MetaSubscriptionHandshake {

    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9._~-]{1,256}");
    private static final int MAX_QUERY_LENGTH = 4096;

    private final List<byte[]> tokenDigests;

    /**
     * @param verifyTokens the accepted {@code hub.verify_token} values; at least one
     * @throws IllegalArgumentException when the list is empty or holds an empty token
     */
    public MetaSubscriptionHandshake(List<String> verifyTokens) {
        if (verifyTokens.isEmpty()) {
            throw new IllegalArgumentException("meta handshake needs at least one verify token");
        }
        for (String token : verifyTokens) {
            if (token.isEmpty()) {
                throw new IllegalArgumentException("meta verify token must not be empty");
            }
        }
        this.tokenDigests = verifyTokens.stream()
                .map(t -> Crypto.sha256(t.getBytes(StandardCharsets.UTF_8))).toList();
    }

    /** What to do with a request. */
    public enum Outcome {
        /** No {@code hub.mode} parameter: not a handshake; the route's usual handling applies. */
        NOT_A_HANDSHAKE,
        /** A valid subscription: answer 200 with {@link Result#challenge()} as {@code text/plain}. */
        ACCEPTED,
        /** A handshake with a wrong token, mode or challenge: refuse with 403. */
        REFUSED
    }

    /**
     * @param outcome   what to do
     * @param challenge the challenge to echo when accepted, otherwise {@code null}
     */
    public record Result(Outcome outcome, String challenge) {
        public Result {
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    private static final Result NOT_A_HANDSHAKE = new Result(Outcome.NOT_A_HANDSHAKE, null);
    private static final Result REFUSED = new Result(Outcome.REFUSED, null);

    /**
     * @param rawQuery the raw query string without {@code '?'}, or {@code null}
     * @return whether to echo the challenge, refuse, or treat the request as an ordinary one
     */
    public Result answer(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return NOT_A_HANDSHAKE;
        }
        if (rawQuery.length() > MAX_QUERY_LENGTH) {
            return rawQuery.contains("hub.") ? REFUSED : NOT_A_HANDSHAKE;
        }
        Map<String, String> params = new HashMap<>();
        boolean malformed = false;
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = decode(eq < 0 ? "" : pair.substring(eq + 1));
            if (name == null || value == null) {
                malformed = true;
            } else if (name.startsWith("hub.") && params.put(name, value) != null) {
                malformed = true;
            }
        }
        if (!params.containsKey("hub.mode") && !malformed) {
            return NOT_A_HANDSHAKE;
        }
        String token = params.get("hub.verify_token");
        String challenge = params.get("hub.challenge");
        if (malformed || !"subscribe".equals(params.get("hub.mode")) || token == null || challenge == null
                || !CHALLENGE.matcher(challenge).matches()) {
            return REFUSED;
        }
        byte[] digest = Crypto.sha256(token.getBytes(StandardCharsets.UTF_8));
        return Crypto.anyEqual(tokenDigests, List.of(digest)) ? new Result(Outcome.ACCEPTED, challenge) : REFUSED;
    }

    private static String decode(String text) {
        try {
            return java.net.URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
