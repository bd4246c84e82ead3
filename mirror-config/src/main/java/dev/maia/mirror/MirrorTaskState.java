package dev.maia.mirror;

/**
 * Whether one of MirrorMaker's connectors, or one of its tasks, runs in one flow (source to target), as
 * its herder reports it. {@code task} is the task's id, or {@link #CONNECTOR} for the connector itself.
 */
public record MirrorTaskState(String source, String target, String connector, String task, boolean running) {
    public static final String CONNECTOR = "connector";
}
