/**
 * Passwords: Argon2id hashing in PHC strings with transparent re-hashing of old or bcrypt hashes
 * ({@link dev.bulwark.core.auth.password.PasswordHasher}), a bounded worker pool so a login flood is refused
 * instead of starving other work ({@link dev.bulwark.core.auth.password.PasswordWorkers}), and the password
 * policy with a real strength estimator ({@link dev.bulwark.core.auth.password.PasswordPolicy}).
 */
package dev.bulwark.core.auth.password;
