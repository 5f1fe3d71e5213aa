package dev.bulwark.core.webhook;

import dev.bulwark.core.webhook.MetaSubscriptionHandshake.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetaSubscriptionHandshakeTest {

    private final MetaSubscriptionHandshake handshake =
            new MetaSubscriptionHandshake(List.of("verify-token-2025-rotated", "verify-token-2024"));

    @Test
    void rightTokenGetsTheChallengeEchoed() {
        MetaSubscriptionHandshake.Result result =
                handshake.answer("hub.mode=subscribe&hub.verify_token=verify-token-2024&hub.challenge=1158201444");

        assertThat(result.outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(result.challenge()).isEqualTo("1158201444");
    }

    @Test
    void percentEncodedParametersAreDecodedBeforeComparing() {
        assertThat(handshake.answer("hub.mode=subscribe&hub.verify_token=verify%2Dtoken%2D2025%2Drotated"
                + "&hub.challenge=abc.DEF_123").challenge()).isEqualTo("abc.DEF_123");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "hub.mode=subscribe&hub.verify_token=wrong-token&hub.challenge=1158201444",
        "hub.mode=subscribe&hub.verify_token=verify-token-2024x&hub.challenge=1158201444",
        "hub.mode=subscribe&hub.verify_token=&hub.challenge=1158201444",
        "hub.mode=subscribe&hub.challenge=1158201444",
        "hub.mode=unsubscribe&hub.verify_token=verify-token-2024&hub.challenge=1158201444",
        "hub.mode=subscribe&hub.verify_token=verify-token-2024",
        "hub.mode=subscribe&hub.verify_token=verify-token-2024&hub.challenge=",
        "hub.mode=subscribe&hub.verify_token=verify-token-2024&hub.challenge=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "hub.mode=subscribe&hub.verify_token=verify-token-2024&hub.challenge=a%0D%0ASet-Cookie:x=1",
        "hub.mode=subscribe&hub.verify_token=wrong&hub.verify_token=verify-token-2024&hub.challenge=1",
        "hub.mode=subscribe&hub.verify_token=verify-token-2024&hub.challenge=1&hub.challenge=2",
        "hub.mode=subscribe&hub.verify_token=verify-token-2024&hub.challenge=%zz",
        "hub.verify_token=verify-token-2024&hub.challenge=1158201444&hub.mode=%"
    })
    void wrongTokenModeOrChallengeIsRefused(String query) {
        assertThat(handshake.answer(query).outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(handshake.answer(query).challenge()).isNull();
    }

    @Test
    void oversizedChallengeIsRefused() {
        String query = "hub.mode=subscribe&hub.verify_token=verify-token-2024&hub.challenge=" + "1".repeat(257);

        assertThat(handshake.answer(query).outcome()).isEqualTo(Outcome.REFUSED);
    }

    @Test
    void oversizedQueryWithHubParametersIsRefused() {
        String query = "hub.mode=subscribe&hub.verify_token=verify-token-2024&hub.challenge=1&pad=" + "x".repeat(5000);

        assertThat(handshake.answer(query).outcome()).isEqualTo(Outcome.REFUSED);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {"page=2", "hub=1&mode=subscribe"})
    void requestWithoutHubModeIsNotAHandshake(String query) {
        assertThat(handshake.answer(query).outcome()).isEqualTo(Outcome.NOT_A_HANDSHAKE);
    }

    @Test
    void handshakeNeedsAVerifyToken() {
        assertThatThrownBy(() -> new MetaSubscriptionHandshake(List.of()))
                .hasMessage("meta handshake needs at least one verify token");
        assertThatThrownBy(() -> new MetaSubscriptionHandshake(List.of("")))
                .hasMessage("meta verify token must not be empty");
    }
}
