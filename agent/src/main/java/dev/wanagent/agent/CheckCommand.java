package dev.wanagent.agent;

import dev.wanagent.agent.Doctor.Conflict;
import dev.wanagent.agent.Doctor.ProviderRecord;
import dev.wanagent.agent.Doctor.SourceReading;
import dev.wanagent.agent.Doctor.Trouble;
import dev.wanagent.agent.Doctor.TroubleKind;
import dev.wanagent.config.MappingConfig;
import dev.wanagent.config.ProviderConfig;
import dev.wanagent.ddns.DnsProvider;
import dev.wanagent.pcp.PcpException;
import dev.wanagent.upnp.InternetGateway;
import dev.wanagent.upnp.PortMapping;
import dev.wanagent.upnp.UpnpException;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code wan-agent check} (the doctor): probes what the config uses, read-only (no mapping is made, no DNS record
 * changed: providers are asked only where their API has a read-only call), lets {@link Doctor} decide, and prints one finding per line. Exit 1 when a finding blocks the config's
 * goal.
 */
final class CheckCommand {
    private CheckCommand() {
    }

    static int run(Agent agent, PrintStream out) {
        List<Finding> findings = Doctor.diagnose(observe(agent));
        for (Finding f : findings) out.println(f.line());
        return findings.stream().anyMatch(Finding::blocks) ? Main.FAILED : Main.OK;
    }

    static Doctor.Observations observe(Agent agent) {
        List<SourceReading> readings = new ArrayList<>();
        InternetGateway gateway = null;
        for (WanSource s : agent.sources) {
            if (s instanceof WebEcho) continue; // the echo is the cross-check below
            if (s instanceof UpnpRouter u) {
                try {
                    gateway = u.gateway();
                } catch (IOException e) {
                    TroubleKind kind = agent.config.router().upnp().location().isPresent() ? TroubleKind.NO_ANSWER
                            : TroubleKind.NOT_FOUND;
                    readings.add(SourceReading.failed(s.name(), new Trouble(kind, "", message(e))));
                    continue;
                }
            }
            SourceReading r = read(s);
            if (s instanceof UpnpRouter && r.trouble().isPresent()) gateway = null;
            readings.add(r);
        }
        Optional<Doctor.UpnpFacts> facts = Optional.empty();
        boolean mappingsRead = false;
        List<Conflict> conflicts = new ArrayList<>();
        List<String> permanent = new ArrayList<>();
        if (gateway != null) {
            try {
                facts = Optional.of(new Doctor.UpnpFacts(gateway.connectionStatus(),
                        gateway.description().ipv6Firewall().isPresent()));
                for (MappingConfig m : agent.config.mappings()) {
                    String client = m.internalClient().orElse(gateway.localAddress().getHostAddress());
                    Optional<PortMapping> held = gateway.specificPortMapping(m.externalPort(), m.protocol());
                    if (held.isPresent() && held.get().leaseSeconds() == 0) permanent.add(m.name());
                    if (held.isPresent() && !held.get().internalClient().equals(client)) {
                        conflicts.add(new Conflict(m, held.get().internalClient() + ":" + held.get().internalPort()
                                + " ('" + held.get().description() + "')"));
                    }
                }
                mappingsRead = agent.upnp.isPresent();
            } catch (IOException e) {
                mappingsRead = false;
            }
        }
        Optional<WebEcho.Round> echo = agent.web.map(WebEcho::ask);
        List<Doctor.CredentialCheck> credentials = new ArrayList<>();
        for (DnsProvider p : agent.providers) {
            p.verifyCredentials().ifPresent(o -> credentials.add(new Doctor.CredentialCheck(p.label(), o)));
        }
        StateStore.Loaded loaded = agent.store.read();
        return new Doctor.Observations(agent.config, readings, facts, mappingsRead, conflicts, echo, credentials,
                records(agent, loaded.state()), loaded.problem(), agent.config.ha().enabled() ? permanent : List.of());
    }

    private static List<ProviderRecord> records(Agent agent, StateStore.State state) {
        ConfigFingerprint fingerprints = ConfigFingerprint.in(agent.config.stateDir());
        List<ProviderRecord> out = new ArrayList<>();
        for (StateStore.RecordState r : state.records()) {
            Optional<ProviderConfig> p = agent.config.providers().stream()
                    .filter(c -> c.label().equals(r.provider())).findFirst();
            if (p.isEmpty()) continue; // a provider no longer in the config
            boolean changed = r.status() == StateStore.Status.FATAL && r.fingerprint() != null
                    && !r.fingerprint().equals(fingerprints.of(p.get()));
            out.add(new ProviderRecord(r, changed));
        }
        return out;
    }

    /** A source's description and address, or its trouble, told apart for the doctor's advice. */
    private static SourceReading read(WanSource s) {
        try {
            String description = s.describe();
            return SourceReading.ok(s.name(), description, s.readWanAddress().ipv4());
        } catch (UpnpException e) {
            return SourceReading.failed(s.name(), e.errorCode()
                    .map(code -> new Trouble(TroubleKind.REFUSED, Integer.toString(code), message(e)))
                    .orElse(new Trouble(TroubleKind.OTHER, "", message(e))));
        } catch (PcpException e) {
            TroubleKind kind = switch (e.kind()) {
                case NO_ANSWER -> TroubleKind.NO_ANSWER;
                case RESULT -> TroubleKind.REFUSED;
                default -> TroubleKind.OTHER;
            };
            return SourceReading.failed(s.name(), new Trouble(kind,
                    e.result().map(dev.wanagent.pcp.ResultCode::name).orElse(""), message(e)));
        } catch (IOException e) {
            return SourceReading.failed(s.name(), new Trouble(TroubleKind.OTHER, "", message(e)));
        } catch (RuntimeException e) {
            // a source that breaks on what the router sent: still one line, never a stack trace
            return SourceReading.failed(s.name(), new Trouble(TroubleKind.OTHER, "",
                    "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    private static String message(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
