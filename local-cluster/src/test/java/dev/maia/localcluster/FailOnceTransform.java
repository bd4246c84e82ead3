package dev.maia.localcluster;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.transforms.Transformation;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A test transform that fails MirrorMaker's task once, on the first record whose value is {@link #POISON},
 * as a task fails for real (a send that times out, a record the target refuses): Connect then marks the
 * task FAILED and never runs it again by itself.
 */
public final class FailOnceTransform<R extends ConnectRecord<R>> implements Transformation<R> {
    static final String POISON = "fail the task once";
    static final AtomicBoolean ARMED = new AtomicBoolean();

    @Override
    public R apply(R record) {
        if (record.value() instanceof byte[] bytes && POISON.equals(new String(bytes))
                && ARMED.compareAndSet(true, false)) {
            throw new ConnectException("failing the task on purpose (FailOnceTransform)");
        }
        return record;
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public void close() {
    }
}
