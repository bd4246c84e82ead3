package dev.maia.apply;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** Gauges whose value a background task sets now and then, registered on first use and kept by name and tags. */
public final class SettableGauges {
    private final MeterRegistry registry;
    private final Map<String, AtomicReference<Double>> values = new ConcurrentHashMap<>();

    public SettableGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    public void set(String name, Tags tags, double value) {
        values.computeIfAbsent(name + tags, k -> {
            AtomicReference<Double> holder = new AtomicReference<>(0.0);
            Gauge.builder(name, holder, AtomicReference::get).tags(tags).register(registry);
            return holder;
        }).set(value);
    }
}
