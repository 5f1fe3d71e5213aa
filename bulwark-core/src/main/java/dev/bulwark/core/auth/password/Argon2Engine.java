package dev.bulwark.core.auth.password;

/**
 * Which Argon2 implementation computes password hashes. Both read and write the same PHC strings, so a
 * cluster may mix them and switching needs no re-hash.
 */
public enum Argon2Engine {
    /** The native one when its library loads on this platform, else the Java one (the default). */
    AUTO,
    /**
     * The reference C implementation (libargon2, bundled for Linux, macOS and Windows on x86 and ARM) through
     * JNA. Its memory matrix lives outside the Java heap, so a login flood leaves no garbage for the collector
     * to copy while proxied requests wait; it is also about 1.5 × faster. Start-up fails when the library
     * cannot be loaded.
     */
    NATIVE,
    /** password4j, pure Java: each hash allocates its memory matrix on the heap. */
    JAVA
}
