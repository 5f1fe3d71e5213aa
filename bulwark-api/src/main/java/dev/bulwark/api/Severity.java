package dev.bulwark.api;

/** How urgently a security event deserves attention; drives alert rules and log levels. */
public enum Severity {
    LOW, MEDIUM, HIGH, CRITICAL;

    /** @return the lowercase label used in metrics and logs, e.g. {@code "high"} */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
