package dev.bulwark.gateway;

import dev.bulwark.api.SecurityEventSink;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Clock;
import java.util.Objects;

/**
 * How a {@link Gateway} is hosted, beyond its configuration: the clock, an extra security-event sink, the
 * metrics registry and the number of event loops. Immutable; change it with the {@code with*} methods.
 *
 * @param clock         the clock every time-dependent decision reads (default: system UTC)
 * @param events        receives every security event in addition to the log and metrics (default: none)
 * @param meterRegistry where metrics go, or {@code null} for a registry of the gateway's own
 * @param eventLoops    event loops, each with its own server instance and upstream pools (default: one per
 *                      available processor)
 */
public record GatewayOptions(Clock clock, SecurityEventSink events, PrometheusMeterRegistry meterRegistry,
                             int eventLoops) {

    public GatewayOptions {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(events, "events");
        if (eventLoops < 1) {
            throw new IllegalArgumentException("event loops must be positive: " + eventLoops);
        }
    }

    /** @return the defaults: system clock, no extra sink, own registry, one event loop per processor */
    public static GatewayOptions defaults() {
        return new GatewayOptions(Clock.systemUTC(), SecurityEventSink.discard(), null,
                Runtime.getRuntime().availableProcessors());
    }

    /** @return these options with {@code clock} */
    public GatewayOptions withClock(Clock clock) {
        return new GatewayOptions(clock, events, meterRegistry, eventLoops);
    }

    /** @return these options with {@code events} receiving every security event */
    public GatewayOptions withEvents(SecurityEventSink events) {
        return new GatewayOptions(clock, events, meterRegistry, eventLoops);
    }

    /** @return these options with metrics registered in {@code meterRegistry} */
    public GatewayOptions withMeterRegistry(PrometheusMeterRegistry meterRegistry) {
        return new GatewayOptions(clock, events, meterRegistry, eventLoops);
    }

    /** @return these options with {@code eventLoops} event loops */
    public GatewayOptions withEventLoops(int eventLoops) {
        return new GatewayOptions(clock, events, meterRegistry, eventLoops);
    }
}
