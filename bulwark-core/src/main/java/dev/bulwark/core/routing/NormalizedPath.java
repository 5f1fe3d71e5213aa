package dev.bulwark.core.routing;

import dev.bulwark.api.Reason;

/**
 * The outcome of {@link PathNormalizer#normalize(String)}: either a normalized path, or a refusal with the
 * reason to answer with.
 *
 * <p>A normalized path is absolute, percent-decoded exactly once, with dot segments resolved, repeated
 * slashes merged and {@code ;parameters} removed. It comes in three forms: {@link #path()} (decoded, case
 * kept; path parameters are taken from it), {@link #matchPath()} (lower-cased, what routes match against)
 * and {@link #forwardPath()} (re-encoded, what the upstream receives). Routes see the same path the
 * upstream does, so no encoding trick can make them disagree. Immutable and thread-safe.
 */
public final class NormalizedPath {

    private final String path;
    private final String matchPath;
    private final String forwardPath;
    private final Reason reason;
    private final String detail;

    private NormalizedPath(String path, String matchPath, String forwardPath, Reason reason, String detail) {
        this.path = path;
        this.matchPath = matchPath;
        this.forwardPath = forwardPath;
        this.reason = reason;
        this.detail = detail;
    }

    static NormalizedPath accepted(String path, String forwardPath) {
        return new NormalizedPath(path, path.toLowerCase(java.util.Locale.ROOT), forwardPath, null, null);
    }

    static NormalizedPath refused(Reason reason, String detail) {
        return new NormalizedPath(null, null, null, reason, detail);
    }

    /** @return whether the request must be refused instead of routed */
    public boolean isRefused() {
        return reason != null;
    }

    /** @return why the path is refused ({@code MALFORMED_REQUEST} or {@code PATH_TRAVERSAL}); {@code null} when accepted */
    public Reason reason() {
        return reason;
    }

    /** @return a short description of the refusal that never echoes the raw path; {@code null} when accepted */
    public String detail() {
        return detail;
    }

    /**
     * @return the decoded path with its case kept, e.g. {@code /api/Caf\u00e9 Menu}
     * @throws IllegalStateException when the path was refused
     */
    public String path() {
        checkAccepted();
        return path;
    }

    /**
     * @return the decoded path lower-cased ({@link java.util.Locale#ROOT}), for case-insensitive matching
     * @throws IllegalStateException when the path was refused
     */
    public String matchPath() {
        checkAccepted();
        return matchPath;
    }

    /**
     * @return the path to send upstream: {@link #path()} with every character RFC 3986 does not allow in a
     *     path segment percent-encoded (UTF-8), and {@code ;} encoded too so no backend reads matrix parameters
     *     the routes never saw, e.g. {@code /api/Caf%C3%A9%20Menu}
     * @throws IllegalStateException when the path was refused
     */
    public String forwardPath() {
        checkAccepted();
        return forwardPath;
    }

    private void checkAccepted() {
        if (reason != null) {
            throw new IllegalStateException("path was refused (" + reason + "): " + detail);
        }
    }

    @Override
    public String toString() {
        return reason == null ? path : "refused " + reason + ": " + detail;
    }
}
