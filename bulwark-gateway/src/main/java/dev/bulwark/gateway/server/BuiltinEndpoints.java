package dev.bulwark.gateway.server;

import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.gateway.metrics.GatewayMetrics;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The gateway's own endpoints under {@code /_bulwark/}: liveness, readiness (upstreams reachable, storage
 * answering, each upstream's circuit breaker state; {@code DEGRADED} but still 200 while a breaker is not closed)
 * and Prometheus metrics. They run as the terminal of the fallback chain, so they get a request id and the
 * security headers like every other answer. Thread-safe.
 */
final class BuiltinEndpoints {

    static final String PREFIX = "/_bulwark/";
    /** The health endpoints: served first under overload, as {@link dev.bulwark.core.shedding.Priority#CRITICAL}. */
    static final String HEALTH_PREFIX = "/_bulwark/health/";
    private static final byte[] LIVE = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
    private static final String JSON = "application/json";

    private final ReadinessProbe readiness;
    private final GatewayMetrics metrics;

    BuiltinEndpoints(ReadinessProbe readiness, GatewayMetrics metrics) {
        this.readiness = readiness;
        this.metrics = metrics;
    }

    CompletionStage<Response> handle(VertxExchange exchange) {
        String path = exchange.path();
        boolean read = exchange.method().equals("GET") || exchange.method().equals("HEAD");
        if (read) {
            switch (path) {
                case "/_bulwark/health/live" -> {
                    return CompletableFuture.completedFuture(noStore(Response.of(200, JSON, LIVE)));
                }
                case "/_bulwark/health/ready" -> {
                    return readiness.check().thenApply(BuiltinEndpoints::ready);
                }
                case "/_bulwark/metrics" -> {
                    return CompletableFuture.completedFuture(noStore(Response.of(200,
                            "text/plain; version=0.0.4; charset=utf-8",
                            metrics.scrape().getBytes(StandardCharsets.UTF_8))));
                }
                default -> { }
            }
        }
        return CompletableFuture.completedFuture(exchange.refuse(Reason.ROUTE_NOT_FOUND, "builtin",
                "no built-in endpoint at this path"));
    }

    private static Response ready(ReadinessProbe.Readiness readiness) {
        boolean allUp = readiness.ready();
        String status = !allUp ? "DOWN" : readiness.degraded() ? "DEGRADED" : "UP";
        StringBuilder json = new StringBuilder(64).append("{\"status\":\"").append(status)
                .append("\",\"upstreams\":{");
        boolean first = true;
        for (Map.Entry<String, Boolean> upstream : readiness.upstreams().entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            // Upstream names come from the configuration, which only allows identifier-like keys.
            json.append('"').append(upstream.getKey().replace("\"", "")).append("\":\"")
                    .append(upstream.getValue() ? "UP" : "DOWN").append('"');
        }
        json.append("},\"circuits\":{");
        first = true;
        for (Map.Entry<String, String> circuit : readiness.circuits().entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            json.append('"').append(circuit.getKey().replace("\"", "")).append("\":\"").append(circuit.getValue())
                    .append('"');
        }
        json.append("},\"storage\":\"").append(readiness.storage() ? "UP" : "DOWN").append("\"}");
        return noStore(Response.of(allUp ? 200 : 503, JSON, json.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static Response noStore(Response response) {
        response.headers().set("Cache-Control", "no-store");
        return response;
    }
}
