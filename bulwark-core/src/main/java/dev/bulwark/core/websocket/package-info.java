/**
 * WebSocket security: the route's {@code websocket} settings ({@link dev.bulwark.core.websocket.WebSocketConfig}),
 * the origin check at the upgrade ({@link dev.bulwark.core.websocket.WebSocketOriginFilter}), the per-user and
 * per-address caps ({@link dev.bulwark.core.websocket.WebSocketLimitFilter}), and the limits on the live socket
 * ({@link dev.bulwark.core.websocket.WebSocketSession}: message rates, frame and message sizes, idle timeout, and
 * credentials that expire or are revoked), kept per node by
 * {@link dev.bulwark.core.websocket.WebSocketConnections}. The host relays the frames; nothing here knows Vert.x.
 */
package dev.bulwark.core.websocket;
