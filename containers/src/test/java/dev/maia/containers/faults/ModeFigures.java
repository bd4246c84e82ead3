package dev.maia.containers.faults;

/**
 * One sync mode's figures over a run: writes acknowledged, lost (missing or changed in some holder after
 * convergence), and of the lost ones those the async rule excuses (in the conflict feed, or acknowledged within
 * the replication lag reported when a fault began).
 */
public record ModeFigures(String syncMode, long acknowledged, long lost, long excused) {

    public long unexcused() {
        return lost - excused;
    }
}
