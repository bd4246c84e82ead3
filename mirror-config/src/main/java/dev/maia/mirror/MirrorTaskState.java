package dev.maia.mirror;

import org.apache.kafka.connect.runtime.AbstractStatus;

/**
 * One of MirrorMaker's connectors, or one of its tasks, in one flow (source to target), as its herder
 * reports it. {@code task} is the task's id, or {@link #CONNECTOR} for the connector itself; {@code state}
 * is Connect's ({@code RUNNING}, {@code FAILED}, {@code UNASSIGNED}, ...), or {@link #UNKNOWN} while the
 * herder does not know the connector.
 */
public record MirrorTaskState(String source, String target, String connector, String task, String state) {
    public static final String CONNECTOR = "connector";
    public static final String UNKNOWN = "UNKNOWN";
    static final String RUNNING = AbstractStatus.State.RUNNING.name();
    static final String FAILED = AbstractStatus.State.FAILED.name();

    public boolean running() {
        return RUNNING.equals(state);
    }

    public boolean failed() {
        return FAILED.equals(state);
    }

    /** {@code us-west->eu-central MirrorSourceConnector 0 FAILED}: how logs and {@code /health} name it. */
    public String describe() {
        return id() + " " + state;
    }

    /** Which connector or task, whatever its state: {@code us-west->eu-central MirrorSourceConnector 0}. */
    public String id() {
        return source + "->" + target + " " + connector + " " + task;
    }
}
