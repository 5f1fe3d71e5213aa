package dev.bulwark.core.screening;

/**
 * The top-level {@code screening} section (placeholder: the fields are defined by the abuse-screening work).
 */
public record ScreeningConfig() {
}
