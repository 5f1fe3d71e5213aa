package dev.bulwark.core.shedding;

/**
 * The top-level {@code loadShedding} section (placeholder: the fields are defined by the load-shedding work).
 */
public record LoadSheddingConfig() {

    /** Load shedding as it is when the section is absent. */
    public static final LoadSheddingConfig DEFAULT = new LoadSheddingConfig();
}
