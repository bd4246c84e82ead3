package dev.maia.schemas.position;

/** One partition of one origin region's log of one tenant: what an applied position is kept for. */
public record PositionKey(String origin, String tenant, int partition) {

    @Override
    public String toString() {
        return origin + "/" + tenant + "/" + partition;
    }

    public static PositionKey parse(String s) {
        String[] parts = s.split("/");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a position key: " + s);
        }
        return new PositionKey(parts[0], parts[1], Integer.parseInt(parts[2]));
    }
}
