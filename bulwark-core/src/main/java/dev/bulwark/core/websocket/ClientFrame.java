package dev.bulwark.core.websocket;

/** What a frame from the client is, as far as the limits of a {@link WebSocketSession} care. */
public enum ClientFrame {
    /** The first (or only) frame of a text or binary message: counts as one message. */
    MESSAGE_START,
    /** A continuation frame: its bytes add to the message it continues. */
    CONTINUATION,
    /** A ping: costs the upstream a frame, so it counts as a message towards the rate limits. */
    PING,
    /** A pong or a close frame: never limited. */
    OTHER
}
