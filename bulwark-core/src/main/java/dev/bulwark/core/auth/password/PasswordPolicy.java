package dev.bulwark.core.auth.password;

import me.gosimple.nbvcxz.Nbvcxz;
import me.gosimple.nbvcxz.resources.ConfigurationBuilder;
import me.gosimple.nbvcxz.resources.Feedback;
import me.gosimple.nbvcxz.scoring.Result;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Checks a new password against {@link PasswordPolicyConfig}: length, the optional character-class rule, that
 * it does not contain the account's email (or the email's local part), and that the nbvcxz estimator (a zxcvbn
 * port) does not find it easy to guess.
 *
 * <p>{@link #check} returns every violation as a lowercase message that never repeats the password, for example
 * {@code "password is too easy to guess: it is a common password"}; an empty list means the password is
 * acceptable. {@link #generate} draws a password the policy accepts. Thread-safe.
 */
public final class PasswordPolicy {

    /** A local part shorter than this ("a@x.io") is too common a substring to forbid. */
    private static final int SHORTEST_LOCAL_PART_CHECKED = 3;

    /** Generated passwords are this long unless the policy's bounds say otherwise: about 145 random bits. */
    private static final int GENERATED_LENGTH = 24;
    private static final int GENERATION_ATTEMPTS = 10;
    /** Upper, lower, digit, symbol; no look-alikes, and no symbol a shell treats specially inside double quotes. */
    private static final String[] GENERATED_CLASSES = {"ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz",
            "23456789", "-_.@#%+="};
    private static final String GENERATED_ALPHABET = String.join("", GENERATED_CLASSES);

    private final PasswordPolicyConfig config;
    private final Nbvcxz estimator;
    private final SecureRandom random = new SecureRandom();

    /** A policy enforcing {@code config}. */
    public PasswordPolicy(PasswordPolicyConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.estimator = config.minimumEntropyBits() == 0 ? null : new Nbvcxz(new ConfigurationBuilder()
                .setMinimumEntropy(config.minimumEntropyBits())
                .setMaxLength(config.maxLength())
                .setLocale(Locale.ENGLISH)
                .createConfiguration());
    }

    /** @return the rules this policy enforces */
    public PasswordPolicyConfig config() {
        return config;
    }

    /**
     * Draws a random password this policy accepts for {@code email}: every character class present, within the
     * length bounds, drawn again in the rare case a draw contains the email's local part or the estimator
     * dislikes it.
     *
     * @param email the account's email, or {@code null} when there is none
     */
    public String generate(String email) {
        String password = draw();
        for (int attempt = 1; attempt < GENERATION_ATTEMPTS && !check(password, email).isEmpty(); attempt++) {
            password = draw();
        }
        return password;
    }

    private String draw() {
        int length = Math.max(config.minLength(), Math.min(GENERATED_LENGTH, config.maxLength()));
        char[] password = new char[length];
        for (int i = 0; i < length; i++) {
            String from = i < GENERATED_CLASSES.length ? GENERATED_CLASSES[i] : GENERATED_ALPHABET;
            password[i] = from.charAt(random.nextInt(from.length()));
        }
        for (int i = length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            char swap = password[i];
            password[i] = password[j];
            password[j] = swap;
        }
        return new String(password);
    }

    /**
     * @param password the candidate password
     * @param email    the account's email, or {@code null} when there is none
     * @return every rule the password breaks, as lowercase messages; empty when it is acceptable
     */
    public List<String> check(String password, String email) {
        Objects.requireNonNull(password, "password");
        List<String> violations = new ArrayList<>();
        int length = password.codePointCount(0, password.length());
        if (length < config.minLength()) {
            violations.add("password must be at least " + config.minLength() + " characters: " + length);
        }
        if (length > config.maxLength()) {
            violations.add("password must be at most " + config.maxLength() + " characters: " + length);
        }
        if (config.requireCharacterClasses()) {
            characterClassViolations(password, violations);
        }
        if (email != null && containsEmail(password, email)) {
            violations.add("password must not contain the email address");
        }
        // Estimating an over-long password is pointless (it is refused anyway) and costly.
        if (estimator != null && violations.isEmpty()) {
            Result result = estimator.estimate(password);
            if (!result.isMinimumEntropyMet()) {
                violations.add("password is too easy to guess: " + weakness(result.getFeedback()));
            }
        }
        return List.copyOf(violations);
    }

    private static void characterClassViolations(String password, List<String> violations) {
        boolean upper = false;
        boolean lower = false;
        boolean digit = false;
        boolean symbol = false;
        for (int i = 0; i < password.length(); ) {
            int c = password.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isUpperCase(c)) {
                upper = true;
            } else if (Character.isLowerCase(c)) {
                lower = true;
            } else if (Character.isDigit(c)) {
                digit = true;
            } else if (!Character.isWhitespace(c) && !Character.isLetter(c)) {
                symbol = true;
            }
        }
        if (!upper) {
            violations.add("password must contain an uppercase letter");
        }
        if (!lower) {
            violations.add("password must contain a lowercase letter");
        }
        if (!digit) {
            violations.add("password must contain a digit");
        }
        if (!symbol) {
            violations.add("password must contain a symbol");
        }
    }

    private static boolean containsEmail(String password, String email) {
        String lowered = password.toLowerCase(Locale.ROOT);
        String address = email.strip().toLowerCase(Locale.ROOT);
        if (address.isEmpty()) {
            return false;
        }
        if (lowered.contains(address)) {
            return true;
        }
        int at = address.indexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        return local.length() >= SHORTEST_LOCAL_PART_CHECKED && lowered.contains(local);
    }

    /** Our own stable wording for nbvcxz's warning kinds; its sentences are title-cased and end with a period. */
    private static String weakness(Feedback feedback) {
        String key = feedback.getWarningKey() == null ? "" : feedback.getWarningKey();
        if (key.contains("passwords")) {
            return "it is a common password";
        }
        if (key.contains("spatial")) {
            return "it is a keyboard pattern";
        }
        if (key.contains("repeat")) {
            return "it is made of repeated characters or words";
        }
        if (key.contains("sequence")) {
            return "it is a sequence like abc or 6543";
        }
        if (key.contains("year") || key.contains("date")) {
            return "it is built around a date or a recent year";
        }
        return "it is made of common words or patterns; add another word or two";
    }
}
