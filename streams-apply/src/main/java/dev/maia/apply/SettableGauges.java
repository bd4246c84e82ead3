package dev.maia.apply;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/** Gauges whose value a background task sets now and then, registered on first use and kept by name and tags. */
public final class SettableGauges {
    private record Series(Gauge gauge, AtomicReference<Double> value) {
    }

    private final MeterRegistry registry;
    private final Map<String, Series> series = new ConcurrentHashMap<>();

    public SettableGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    public void set(String name, Tags tags, double value) {
        series.computeIfAbsent(name + tags, k -> {
            AtomicReference<Double> holder = new AtomicReference<>(0.0);
            return new Series(Gauge.builder(name, holder, AtomicReference::get).tags(tags).register(registry), holder);
        }).value().set(value);
    }

    /** The value of one tag, or null. */
    public static String tag(Tags tags, String key) {
        return tags.stream().filter(t -> t.getKey().equals(key)).map(io.micrometer.core.instrument.Tag::getValue)
                .findFirst().orElse(null);
    }

    /** Removes every series (of any name) whose tags match, from here and from the registry. */
    public void removeIf(Predicate<Tags> tags) {
        series.entrySet().removeIf(e -> {
            Gauge gauge = e.getValue().gauge();
            if (tags.test(Tags.of(gauge.getId().getTags()))) {
                registry.remove(gauge);
                return true;
            }
            return false;
        });
    }
}
