package dev.bulwark.core.auth.token;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RefreshTokensTest {

    @Test
    void tokensAre256RandomBitsInBase64Url() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String token = RefreshTokens.generate();
            assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
            assertThat(RefreshTokens.isWellFormed(token)).isTrue();
            seen.add(token);
        }
        assertThat(seen).hasSize(1_000);
    }

    @Test
    void theStoredHashIsStableAndRevealsNothingOfTheToken() {
        String token = RefreshTokens.generate();

        assertThat(RefreshTokens.hash(token)).isEqualTo(RefreshTokens.hash(token)).hasSize(43).isNotEqualTo(token);
        assertThat(RefreshTokens.hash(RefreshTokens.generate())).isNotEqualTo(RefreshTokens.hash(token));
    }

    @Test
    void hashesCompareInConstantTime() {
        String hash = RefreshTokens.hash(RefreshTokens.generate());

        assertThat(RefreshTokens.constantTimeEquals(hash, new String(hash))).isTrue();
        assertThat(RefreshTokens.constantTimeEquals(hash, hash.substring(1))).isFalse();
        assertThat(RefreshTokens.constantTimeEquals(hash, null)).isFalse();
    }

    @Test
    void malformedRefreshTokensAreRecognisedBeforeAnyLookup() {
        assertThat(RefreshTokens.isWellFormed(null)).isFalse();
        assertThat(RefreshTokens.isWellFormed("short")).isFalse();
        assertThat(RefreshTokens.isWellFormed("=".repeat(43))).isFalse();
        assertThat(RefreshTokens.isWellFormed("' OR 1=1 --" + "a".repeat(32))).isFalse();
    }
}
