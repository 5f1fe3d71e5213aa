package dev.bulwark.core.config;

/** Whether the gateway runs for development (demo defaults allowed) or production (weak settings refused). */
public enum Mode {
    DEVELOPMENT, PRODUCTION
}
