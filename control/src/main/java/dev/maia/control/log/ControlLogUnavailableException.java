package dev.maia.control.log;

/**
 * The control log could not take a change: no majority of the control cluster acknowledged it in time
 * (this region may be cut off from the others), or it was appended but not read back in time, in which
 * case it may still take effect: read the placement again before retrying.
 */
public final class ControlLogUnavailableException extends Exception {
    public ControlLogUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
