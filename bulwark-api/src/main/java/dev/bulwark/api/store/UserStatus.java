package dev.bulwark.api.store;

/** Whether a user may log in. A disabled user keeps their data; login and refresh refuse them. */
public enum UserStatus {
    /** May log in. */
    ACTIVE,
    /** May not log in; existing sessions are ended by the caller that disabled them. */
    DISABLED
}
