package dev.bulwark.core.edge;

/** Host-name syntax checks shared by the features that compare hosts (host allowlist, CORS origins). */
public final class HostNames {

    private HostNames() {
    }

    /**
     * @param value a lower-case candidate, without port or trailing dot
     * @return whether it is dot-separated non-empty labels of {@code a-z 0-9 - _}; this is what may stand in
     *     for the {@code *} of a {@code *.example.com} pattern, so {@code user@x} or {@code evil.com/} never do
     */
    public static boolean isHostName(String value) {
        if (value.isEmpty()) {
            return false;
        }
        int labelLength = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '.') {
                if (labelLength == 0) {
                    return false;
                }
                labelLength = 0;
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                labelLength++;
            } else {
                return false;
            }
        }
        return labelLength > 0;
    }
}
