package dev.maia.cli.security;

import dev.maia.control.security.Principals;
import dev.maia.schemas.topology.RegionSpec;
import dev.maia.schemas.topology.Topology;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who needs a certificate in a deployment described by a topology: the brokers (one certificate for every
 * broker and controller, valid for every host name a client dials), the admin, MirrorMaker 2, the monitor
 * and each region's service.
 */
record DeploymentPrincipals(List<String> principals, List<String> brokerHosts) {

    static DeploymentPrincipals of(Topology topology, List<String> extraBrokerHosts) {
        List<String> principals = new ArrayList<>(List.of(Principals.BROKER, Principals.ADMIN, Principals.MIRROR,
                Principals.MONITOR));
        topology.regionNames().forEach(r -> principals.add(Principals.region(r)));
        // Clients verify the broker's host name (ssl.endpoint.identification.algorithm=https): every name
        // the topology dials must be in the brokers' certificate, or the handshake is refused.
        Set<String> hosts = new LinkedHashSet<>();
        for (RegionSpec region : topology.regions()) {
            hosts.addAll(hostsOf(region.bootstrapServers()));
        }
        if (topology.controlBootstrapServers() != null) {
            hosts.addAll(hostsOf(topology.controlBootstrapServers()));
        }
        extraBrokerHosts.stream().map(String::trim).filter(h -> !h.isEmpty()).forEach(hosts::add);
        // DeploymentCa puts these two in every certificate already.
        hosts.remove("localhost");
        hosts.remove("127.0.0.1");
        return new DeploymentPrincipals(List.copyOf(principals), List.copyOf(hosts));
    }

    static List<String> hostsOf(String bootstrapServers) {
        List<String> hosts = new ArrayList<>();
        for (String server : bootstrapServers.split(",")) {
            String s = server.trim();
            if (s.isEmpty()) {
                continue;
            }
            int colon = s.lastIndexOf(':');
            String host = colon > 0 ? s.substring(0, colon) : s;
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            hosts.add(host);
        }
        return hosts;
    }
}
