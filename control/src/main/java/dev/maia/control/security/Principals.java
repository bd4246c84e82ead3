package dev.maia.control.security;

/**
 * The Kafka principals of a deployment. A client's certificate names its principal in its common name;
 * the brokers map {@code CN=<name>} to {@code User:<name>} ({@link #MAPPING_RULES}), so ACLs, audit lines
 * and the brokers' authorizer log read as these names.
 */
public final class Principals {

    /** The brokers and controllers of every cluster: super users, the only ones. */
    public static final String BROKER = "maia-broker";
    /** The operator's tools and the test harness: a super user, for provisioning and for nothing at run time. */
    public static final String ADMIN = "maia-admin";
    /** MirrorMaker 2, in every cluster: reads what it copies, writes only the copies. */
    public static final String MIRROR = "maia-mirror";
    /** Cross-region monitoring ({@code maia lag}, dashboards): reads and describes, writes nothing. */
    public static final String MONITOR = "maia-monitor";

    /** {@code ssl.principal.mapping.rules} of every broker: the certificate's common name is the principal. */
    public static final String MAPPING_RULES = "RULE:^CN=([^,]+)$/$1/,DEFAULT";

    private Principals() {
    }

    /** The service principal of {@code region}'s MAIA process (write path, apply path, views). */
    public static String region(String region) {
        return "maia-region-" + region;
    }

    /** {@code User:<name>}, as ACLs and {@code super.users} name a principal. */
    public static String user(String name) {
        return "User:" + name;
    }
}
