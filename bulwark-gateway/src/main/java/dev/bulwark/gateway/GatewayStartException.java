package dev.bulwark.gateway;

/**
 * The gateway could not start: the port is taken, a TLS file is unreadable, the host cannot be bound. The
 * message is one lowercase line fit for a terminal, e.g. {@code "port 8080 is already in use"}.
 */
public final class GatewayStartException extends RuntimeException {

    /**
     * @param message what went wrong, naming the bad value
     * @param cause   the underlying failure
     */
    public GatewayStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
