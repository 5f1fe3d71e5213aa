package dev.bulwark.core.chain;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;
import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.Problems;
import dev.bulwark.testing.TestExchange;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilterChainTest {

    private final List<String> trace = new ArrayList<>();
    private final Upstream upstream = Upstream.ok();

    @Test
    void filtersRunInStageOrderAndPostProcessInReverse() {
        FilterChain chain = new FilterChain("orders", List.of(
                new Tracing("audit", Stage.AUDIT), new Tracing("cors", Stage.CORS),
                new Tracing("authn", Stage.AUTHENTICATION), new Tracing("id", Stage.REQUEST_ID)));

        Response response = Chains.await(chain.run(ExchangeBuilder.get("/").build(), upstream));

        assertThat(response.status()).isEqualTo(200);
        assertThat(trace).containsExactly("id>", "cors>", "authn>", "audit>", "<audit", "<authn", "<cors", "<id");
        assertThat(chain.filters()).extracting(SecurityFilter::stage)
                .containsExactly(Stage.REQUEST_ID, Stage.CORS, Stage.AUTHENTICATION, Stage.AUDIT);
    }

    @Test
    void filtersSharingAStageKeepTheirConfiguredOrder() {
        FilterChain chain = new FilterChain("orders", List.of(
                new Tracing("second-edge", Stage.EDGE), new Tracing("rate", Stage.RATE_LIMIT),
                new Tracing("first-edge", Stage.EDGE)));

        Chains.await(chain.run(ExchangeBuilder.get("/").build(), upstream));

        assertThat(trace).startsWith("second-edge>", "first-edge>", "rate>");
    }

    @Test
    void refusalStopsTheChainBeforeLaterFiltersAndTheBackend() {
        SecurityFilter refuser = new SecurityFilter() {
            @Override
            public Stage stage() {
                return Stage.EDGE;
            }

            @Override
            public CompletionStage<Response> filter(Exchange exchange, Chain next) {
                return CompletableFuture.completedFuture(
                        exchange.refuse(Reason.HOST_NOT_ALLOWED, "test", "host not allowed: evil.com"));
            }
        };
        FilterChain chain = new FilterChain("orders", List.of(new Tracing("authn", Stage.AUTHENTICATION), refuser,
                new Tracing("id", Stage.REQUEST_ID)));
        TestExchange exchange = ExchangeBuilder.get("/").build();

        Response response = Chains.await(chain.run(exchange, upstream));

        Problems.assertRefused(response, exchange, Reason.HOST_NOT_ALLOWED);
        assertThat(trace).containsExactly("id>", "<id");
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void authorizationWithoutAuthenticationIsRejectedNamingTheRoute() {
        List<SecurityFilter> filters = List.of(new Tracing("authz", Stage.AUTHORIZATION));

        assertThatThrownBy(() -> new FilterChain("admin-api", filters))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route admin-api: authorization needs authentication, which the route does not configure");
    }

    @Test
    void authorizationAfterAuthenticationIsAccepted() {
        FilterChain chain = new FilterChain("admin-api", List.of(new Tracing("authz", Stage.AUTHORIZATION),
                new Tracing("authn", Stage.AUTHENTICATION)));

        Chains.await(chain.run(ExchangeBuilder.get("/").build(), upstream));

        assertThat(trace).startsWith("authn>", "authz>");
    }

    @Test
    void throwingFilterYieldsAFailedStageInsteadOfThrowing() {
        IllegalStateException bug = new IllegalStateException("bug in filter");
        SecurityFilter throwing = new SecurityFilter() {
            @Override
            public Stage stage() {
                return Stage.RATE_LIMIT;
            }

            @Override
            public CompletionStage<Response> filter(Exchange exchange, Chain next) {
                throw bug;
            }
        };
        FilterChain chain = new FilterChain("orders", List.of(throwing));

        CompletionStage<Response> result = chain.run(ExchangeBuilder.get("/").build(), upstream);

        assertThat(result.toCompletableFuture()).isCompletedExceptionally();
        assertThatThrownBy(() -> Chains.await(result)).hasCause(bug);
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void throwingTerminalYieldsAFailedStage() {
        FilterChain chain = new FilterChain("orders", List.of(new Tracing("id", Stage.REQUEST_ID)));
        Chain broken = exchange -> {
            throw new IllegalStateException("upstream bug");
        };

        CompletionStage<Response> result = chain.run(ExchangeBuilder.get("/").build(), broken);

        assertThat(result.toCompletableFuture()).isCompletedExceptionally();
    }

    @Test
    void emptyChainGoesStraightToTheBackend() {
        FilterChain chain = new FilterChain("public", List.of());

        Response response = Chains.await(chain.run(ExchangeBuilder.get("/").build(), upstream));

        assertThat(response.status()).isEqualTo(200);
        assertThat(upstream.calls()).isEqualTo(1);
    }

    /** Records entering on the way down and leaving on the way up. */
    private final class Tracing implements SecurityFilter {
        private final String name;
        private final Stage stage;

        Tracing(String name, Stage stage) {
            this.name = name;
            this.stage = stage;
        }

        @Override
        public Stage stage() {
            return stage;
        }

        @Override
        public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
            trace.add(name + ">");
            return chain.proceed(exchange).thenApply(response -> {
                trace.add("<" + name);
                return response;
            });
        }
    }
}
