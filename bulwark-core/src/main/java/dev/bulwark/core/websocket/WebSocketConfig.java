package dev.bulwark.core.websocket;

/**
 * A route's {@code websocket} settings (placeholder: the fields are defined by the WebSocket security work).
 */
public record WebSocketConfig() {
}
