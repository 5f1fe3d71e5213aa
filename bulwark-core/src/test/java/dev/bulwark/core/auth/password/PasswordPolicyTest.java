package dev.bulwark.core.auth.password;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordPolicyTest {

    private static final PasswordPolicy POLICY = new PasswordPolicy(PasswordPolicyConfig.DEFAULTS);
    private static final String STRONG = "violet-kettle-orbit-93-Lantern";

    @Test
    void aLongUnpredictablePassphraseIsAccepted() {
        assertThat(POLICY.check(STRONG, "ana@clinic.example")).isEmpty();
    }

    @Test
    void aShortPasswordIsRefusedWithItsLength() {
        assertThat(POLICY.check("Xk9#vq2!", null)).containsExactly("password must be at least 12 characters: 8");
    }

    @Test
    void anOverLongPasswordIsRefusedWithoutEstimatingIt() {
        assertThat(POLICY.check("a".repeat(129), null)).containsExactly("password must be at most 128 characters: 129");
    }

    @Test
    void lengthCountsCharactersNotUtf16Units() {
        PasswordPolicy policy = new PasswordPolicy(new PasswordPolicyConfig(4, 5, false, 0));

        assertThat(policy.check("🔒🔒🔒🔒", null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"password1234", "Password1234", "qwerty123456", "123456789012"})
    void commonPasswordsAreTooEasyToGuess(String common) {
        assertThat(POLICY.check(common, null))
                .singleElement().asString().startsWith("password is too easy to guess: ");
    }

    @Test
    void theMessageNamesWhyAPasswordIsWeak() {
        assertThat(POLICY.check("password1234", null))
                .containsExactly("password is too easy to guess: it is a common password");
        assertThat(POLICY.check("aaaaaaaaaaaaaaaa", null))
                .containsExactly("password is too easy to guess: it is made of repeated characters or words");
    }

    @Test
    void aPasswordContainingTheEmailIsRefusedWhateverTheCase() {
        assertThat(POLICY.check("xx-Ana.Lima@Clinic.example-9", "ana.lima@clinic.example"))
                .contains("password must not contain the email address");
        assertThat(POLICY.check("my-ANA.LIMA-secret-42!", "ana.lima@clinic.example"))
                .contains("password must not contain the email address");
    }

    @Test
    void aVeryShortLocalPartIsNotForbidden() {
        assertThat(POLICY.check(STRONG, "a@x.io")).isEmpty();
    }

    @Test
    void theCharacterClassRuleNamesEachMissingClass() {
        PasswordPolicy seed004 = new PasswordPolicy(new PasswordPolicyConfig(12, 128, true, 35));

        assertThat(seed004.check("violetkettleorbitlantern", null)).containsExactly(
                "password must contain an uppercase letter",
                "password must contain a digit",
                "password must contain a symbol");
        assertThat(seed004.check(STRONG, null)).isEmpty();
    }

    @Test
    void messagesAreLowercaseAndNeverEchoThePassword() {
        PasswordPolicy seed004 = new PasswordPolicy(new PasswordPolicyConfig(20, 128, true, 35));
        String password = "qwertyuiop";

        assertThat(seed004.check(password, "qwerty@example.com")).isNotEmpty().allSatisfy(message -> {
            assertThat(message).doesNotContain(password).isEqualTo(message.toLowerCase());
        });
    }

    @Test
    void impossibleLengthsAreRefused() {
        assertThatThrownBy(() -> new PasswordPolicyConfig(12, 8, false, 35))
                .hasMessage("password max length must be 12 to 1024: 8");
        assertThatThrownBy(() -> new PasswordPolicyConfig(0, 8, false, 35))
                .hasMessage("password min length must be positive: 0");
    }
}
