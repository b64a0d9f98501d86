package dev.wanagent.agent;

import dev.wanagent.config.IpLiteral;
import dev.wanagent.upnp.InternetGateway;
import dev.wanagent.upnp.PortMapping;
import dev.wanagent.upnp.PortMappingRequest;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code wan-agent mappings --add EXT[:INT][/PROTO]} or {@code --delete EXT[/PROTO]}: one-off table edits. */
record MappingEdit(boolean add, int externalPort, int internalPort, String protocol, Optional<String> client,
                   long leaseSeconds) {
    private static final Pattern SPEC = Pattern.compile("(\\d{1,5})(?::(\\d{1,5}))?(?:/(tcp|udp))?",
            Pattern.CASE_INSENSITIVE);

    /** Parses the options; empty when neither --add nor --delete was given. Bad values throw with a message. */
    static Optional<MappingEdit> from(String add, String delete, String client, String lease) {
        if (add == null && delete == null) {
            if (client != null || lease != null) throw new IllegalArgumentException("--client and --lease go with --add");
            return Optional.empty();
        }
        if (add != null && delete != null) throw new IllegalArgumentException("--add or --delete, not both");
        String spec = add != null ? add : delete;
        Matcher m = SPEC.matcher(spec.trim());
        if (!m.matches() || (delete != null && m.group(2) != null)) {
            throw new IllegalArgumentException("'" + spec + "' is not " + (add != null ? "EXT[:INT][/tcp|udp], e.g. 8080:80/tcp"
                    : "EXT[/tcp|udp], e.g. 8080/tcp"));
        }
        int ext = port(m.group(1));
        int internal = m.group(2) == null ? ext : port(m.group(2));
        String protocol = m.group(3) == null ? "TCP" : m.group(3).toUpperCase(Locale.ROOT);
        if (client != null && IpLiteral.ipv4(client).isEmpty()) {
            throw new IllegalArgumentException("--client '" + client + "' is not an IPv4 address");
        }
        long leaseSeconds = 3600;
        if (lease != null) {
            try {
                leaseSeconds = Long.parseLong(lease);
            } catch (NumberFormatException e) {
                leaseSeconds = -1;
            }
            if (leaseSeconds < 0 || leaseSeconds > 604800) {
                throw new IllegalArgumentException("--lease '" + lease + "' is not 0-604800 seconds");
            }
        }
        if (delete != null && (client != null || lease != null)) {
            throw new IllegalArgumentException("--client and --lease go with --add");
        }
        return Optional.of(new MappingEdit(add != null, ext, internal, protocol, Optional.ofNullable(client),
                leaseSeconds));
    }

    private static int port(String s) {
        int p = Integer.parseInt(s);
        if (p < 1 || p > 65535) throw new IllegalArgumentException(p + " is not a port (1-65535)");
        return p;
    }

    int apply(Agent agent, PrintStream out, PrintStream err) {
        if (agent.upnp.isEmpty()) {
            err.println("wan-agent: mappings are changed over UPnP, and router.upnp.enabled is false");
            return Main.FAILED;
        }
        try {
            InternetGateway g = agent.upnp.get().gateway();
            if (add) {
                String to = client.orElse(g.localAddress().getHostAddress());
                PortMapping granted = g.addPortMapping(new PortMappingRequest(externalPort, protocol, internalPort, to,
                        "wan-agent (manual)", leaseSeconds));
                out.println("added " + granted);
            } else {
                boolean existed = g.specificPortMapping(externalPort, protocol).isPresent();
                g.deletePortMapping(externalPort, protocol);
                out.println(existed ? "deleted " + protocol + " " + externalPort
                        : "no " + protocol + " " + externalPort + " mapping on the router");
            }
            return Main.OK;
        } catch (IOException e) {
            err.println("wan-agent: " + e.getMessage());
            return Main.FAILED;
        }
    }
}
