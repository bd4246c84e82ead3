package dev.maia.schemas.placement;

/** A placement request that breaks a rule; {@link #field()} names the field at fault, for the API's error details. */
public final class InvalidPlacementException extends IllegalArgumentException {
    private final String field;

    public InvalidPlacementException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
