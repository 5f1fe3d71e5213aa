package dev.bulwark.core.waf;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigException;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.routing.RouteCompiler;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WafConfigTest {

    private static BulwarkConfig load(String yaml) {
        return ConfigLoader.parse(yaml, "x.yaml", name -> null);
    }

    @Test
    void theYamlKeysMapToTheRecordAndARouteCanSwitchAnInheritedWafOff() {
        BulwarkConfig config = load("""
                mode: development
                upstreams: { b: { url: "http://127.0.0.1:9" } }
                defaults:
                  waf: { mode: log, checks: [sqli, commandInjection], targets: [query, headers, body],
                         exclude: ["query:q", "body:$.items[0].note", "header:Referer"], maxBodyInspection: 32KB,
                         maxMultipartInspection: 8MB, oversizedBody: pass }
                routes:
                  - { id: a, match: { path: /a/** }, upstream: b }
                  - { id: b, match: { path: /** }, upstream: b, waf: false }
                """);

        WafConfig waf = config.defaults().waf();
        assertThat(waf.mode()).isEqualTo(WafConfig.Mode.LOG);
        assertThat(waf.checks()).containsExactlyInAnyOrder(WafConfig.Check.SQLI, WafConfig.Check.COMMAND_INJECTION);
        assertThat(waf.targets()).containsExactlyInAnyOrder(WafConfig.Target.QUERY, WafConfig.Target.HEADERS,
                WafConfig.Target.BODY);
        assertThat(waf.maxBodyInspection()).isEqualTo(32 * 1024);
        assertThat(waf.maxMultipartInspection()).isEqualTo(8 * 1024 * 1024);
        assertThat(waf.oversizedBody()).isEqualTo(WafConfig.OversizedBody.PASS);
        assertThat(config.routes().get(1).inline().waf()).isSameAs(WafConfig.OFF);
        assertThat(RouteCompiler.compile(config).routes()).hasSize(2);
    }

    @Test
    void badValuesAreReportedWithTheirKeyPaths() {
        assertThatThrownBy(() -> load("""
                mode: development
                routes:
                  - { id: a, match: { path: /** }, upstream: b, waf: { checks: [sqli, lfi], colour: red } }
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].waf.checks[1]").hasMessageContaining("routes[0].waf.colour");
        BulwarkConfig config = load("""
                mode: development
                upstreams: { b: { url: "http://127.0.0.1:9" } }
                routes:
                  - { id: a, match: { path: /** }, upstream: b,
                      waf: { exclude: ["cookie:x", "body:$.a..b", "query:"], maxBodyInspection: 10, targets: [],
                             maxMultipartInspection: 32MB } }
                """);
        assertThatThrownBy(() -> RouteCompiler.compile(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].waf.exclude[0]").hasMessageContaining("routes[0].waf.exclude[1]")
                .hasMessageContaining("routes[0].waf.exclude[2]").hasMessageContaining("routes[0].waf.maxBodyInspection")
                .hasMessageContaining("routes[0].waf.maxMultipartInspection").hasMessageContaining("routes[0].waf.targets");
    }

    @Test
    void jsonPathsAreMatchedByShape() {
        assertThat(JsonPaths.normalize("$.items[3].note")).isEqualTo("$.items[*].note");
        assertThat(JsonPaths.normalize("$")).isEqualTo("$");
        assertThat(JsonPaths.normalize("items.note")).isNull();
        assertThat(WafConfig.DEFAULT.checks()).isEqualTo(EnumSet.allOf(WafConfig.Check.class));
    }
}
