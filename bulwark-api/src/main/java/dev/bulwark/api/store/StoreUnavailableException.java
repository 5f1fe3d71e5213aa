package dev.bulwark.api.store;

/**
 * A store could not make a decision: its backend is unreachable or it is full. Callers fail closed
 * (refuse with 503) rather than guess.
 */
public class StoreUnavailableException extends RuntimeException {

    /** @param message what failed, lowercase, without secrets or keys that could carry user data */
    public StoreUnavailableException(String message) {
        super(message);
    }

    /**
     * @param message what failed
     * @param cause   the backend's exception
     */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
