package dev.bulwark.core.screening;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigException;
import dev.bulwark.core.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScreeningConfigTest {

    @Test
    void theYamlKeysMapToTheRecordsWithDefaultsForWhatIsLeftOut() {
        BulwarkConfig config = ConfigLoader.parse("""
                mode: development
                screening:
                  bots: { mode: score, emptyUserAgent: off, userAgents: [EvilBot], allow: [nuclei-monitor] }
                  ipReputation: { file: lists/deny.txt, reloadInterval: 10s }
                """, "bulwark.yaml", name -> null);

        ScreeningConfig screening = config.screening();
        assertThat(screening.bots().mode()).isEqualTo(ScreeningAction.SCORE);
        assertThat(screening.bots().emptyUserAgent()).isEqualTo(ScreeningAction.OFF);
        assertThat(screening.bots().userAgents()).containsExactly("EvilBot");
        assertThat(screening.bots().allow()).containsExactly("nuclei-monitor");
        assertThat(screening.ipReputation().file()).isEqualTo(Path.of("lists/deny.txt"));
        assertThat(screening.ipReputation().reloadInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(screening.ipReputation().mode()).isEqualTo(ScreeningAction.BLOCK);
    }

    @Test
    void unknownKeysAndBadValuesNameTheirPath() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                mode: development
                screening:
                  bots: { mode: maybe, agents: [x] }
                  ipReputation: { reloadInterval: 0s }
                """, "x.yaml", name -> null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("screening.bots.mode").hasMessageContaining("screening.bots.agents");
        ScreeningConfig config = new ScreeningConfig(
                BotScreeningConfig.builder().userAgents(java.util.List.of("ab")).build(),
                new IpReputationConfig(null, Duration.ZERO, null));
        assertThat(config.problems("screening")).extracting(Object::toString)
                .anySatisfy(p -> assertThat(p).contains("screening.bots.userAgents[0]"))
                .anySatisfy(p -> assertThat(p).contains("screening.ipReputation.file"))
                .anySatisfy(p -> assertThat(p).contains("screening.ipReputation.reloadInterval"));
    }
}
