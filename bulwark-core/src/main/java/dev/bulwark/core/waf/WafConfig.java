package dev.bulwark.core.waf;

/**
 * A route's {@code waf} settings (placeholder: the fields are defined by the injection-screening work).
 */
public record WafConfig() {
}
