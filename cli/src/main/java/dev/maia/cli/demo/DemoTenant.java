package dev.maia.cli.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * A demo tenant as the demo places it when it starts. Where it lives afterwards is its placement's
 * business (another terminal may change it): this is only the plan, and the fallback while no region
 * can say.
 */
record DemoTenant(String id, String mode, String primary, List<String> replicas) {

    /** The regions that hold the tenant by this plan, its primary first. */
    List<String> holders(List<String> regions) {
        List<String> out = new ArrayList<>(List.of(primary));
        out.addAll(mode.equals("global") ? regions.stream().filter(r -> !r.equals(primary)).toList() : replicas);
        return out;
    }
}
