package dev.bulwark.core.websocket;

import dev.bulwark.api.Reason;

import java.util.Locale;

/**
 * Why the gateway ends a live WebSocket, and how: the close code and reason text the client receives, and the
 * security event that goes with it.
 *
 * <p>Policy violations close with {@code 1008}, oversized frames and messages with {@code 1009}, an idle socket
 * with {@code 1001} (going away, as load balancers close idle sockets), and an ended credential with {@code 1008}
 * so a client knows to authenticate again rather than just reconnect.
 */
public enum WebSocketClose {
    RATE_LIMITED(1008, "message rate exceeded", Reason.WEBSOCKET_RATE_LIMITED),
    FRAME_TOO_BIG(1009, "frame too big", Reason.WEBSOCKET_MESSAGE_TOO_BIG),
    MESSAGE_TOO_BIG(1009, "message too big", Reason.WEBSOCKET_MESSAGE_TOO_BIG),
    IDLE(1001, "idle timeout", Reason.WEBSOCKET_IDLE),
    TOKEN_EXPIRED(1008, "token expired", Reason.WEBSOCKET_CREDENTIAL_ENDED),
    TOKEN_REVOKED(1008, "token revoked", Reason.WEBSOCKET_CREDENTIAL_ENDED);

    private final short code;
    private final String text;
    private final Reason reason;

    WebSocketClose(int code, String text, Reason reason) {
        this.code = (short) code;
        this.text = text;
        this.reason = reason;
    }

    /** @return the close code sent to the client */
    public short code() {
        return code;
    }

    /** @return the close reason sent to the client: short, and never naming a user or token */
    public String text() {
        return text;
    }

    /** @return the reason of the security event emitted with this close */
    public Reason reason() {
        return reason;
    }

    /** @return the lowercase label used in metrics, e.g. {@code rate_limited} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
