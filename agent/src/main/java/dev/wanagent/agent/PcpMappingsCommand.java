package dev.wanagent.agent;

import dev.wanagent.config.MappingConfig;
import dev.wanagent.pcp.PcpClient;

import java.io.IOException;
import java.io.PrintStream;

/**
 * {@code mappings} when the mappings are kept through PCP/NAT-PMP. Neither protocol can list the router's table, and
 * asking for a mapping creates it: this command asks the router for its address (to show it answers) and lists the
 * declared mappings that {@code run} keeps there. A running agent's granted mappings are in its log.
 */
final class PcpMappingsCommand {
    private PcpMappingsCommand() {
    }

    static int list(Agent agent, PrintStream out, PrintStream err) {
        try {
            PcpClient c = agent.pcp.orElseThrow().client();
            PcpClient.ExternalAddress a = c.externalAddress();
            out.println(a.via().label() + ": router " + c.gateway().getHostAddress() + ", external address "
                    + a.address().getHostAddress() + ", epoch " + a.epoch() + " s; " + a.via().label()
                    + " cannot list the router's table; the mappings `run` keeps there"
                    + (agent.upnp.isPresent() ? " while UPnP does not answer" : "") + ":");
            for (MappingConfig m : agent.config.mappings()) {
                out.println(String.format("* %-3s %5d -> this host:%d  %s  '%s'", m.protocol(), m.externalPort(),
                        m.internalPort(), m.leaseSeconds() == 0 ? "lifetime " + PcpMappings.PERMANENT_LIFETIME + "s"
                                : "lifetime " + m.leaseSeconds() + "s", MappingReconciler.DESCRIPTION_PREFIX + m.name()));
            }
            return Main.OK;
        } catch (IOException e) {
            err.println("wan-agent: cannot reach the router over PCP/NAT-PMP: " + e.getMessage());
            return Main.FAILED;
        }
    }
}
