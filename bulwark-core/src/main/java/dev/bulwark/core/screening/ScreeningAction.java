package dev.bulwark.core.screening;

/**
 * What screening does with a request that shows a signal (a scanner user agent, an empty user agent, a client
 * address on the reputation list).
 */
public enum ScreeningAction {
    /** Refuse with {@code 403} and emit an event. */
    BLOCK,
    /**
     * Let the request pass, emit an event and tell the backend in {@link ScreeningFilter#SIGNAL_HEADER}, so the
     * application decides.
     */
    SCORE,
    /** Ignore the signal. */
    OFF
}
