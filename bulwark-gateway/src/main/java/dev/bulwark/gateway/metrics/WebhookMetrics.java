package dev.bulwark.gateway.metrics;

import dev.bulwark.core.webhook.WebhookListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts webhook outcomes as {@code webhook_security_events_total{provider,event_type,result}}.
 *
 * <p>Every label comes from a bounded set (configured providers, the listener's fixed event types and
 * results), so the series count stays small. Thread-safe; counters are cached after first use.
 */
public final class WebhookMetrics implements WebhookListener {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    /** @param registry where the counter is registered */
    public WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onEvent(String provider, String eventType, String result) {
        counters.computeIfAbsent(provider + '\n' + eventType + '\n' + result,
                        key -> Counter.builder("webhook.security.events")
                                .description("Webhook deliveries and handshakes by provider, event type and result")
                                .tag("provider", provider)
                                .tag("event_type", eventType)
                                .tag("result", result)
                                .register(registry))
                .increment();
    }
}
