package dev.wanagent.agent;

import dev.wanagent.config.AgentConfig;
import dev.wanagent.config.ConfigException;
import dev.wanagent.config.ConfigLoader;
import dev.wanagent.config.Secret;
import dev.wanagent.upnp.InternetGateway;
import dev.wanagent.upnp.PortMapping;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.slf4j.event.Level;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The {@code wan-agent} command line. Commands: run, once, wan-ip, mappings, check.
 * Exit codes: 0 success, 1 failure (including a bad config), 2 bad usage.
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    private static final List<String> COMMANDS = List.of("run", "once", "wan-ip", "mappings", "check", "status");

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Set by the shutdown hook: the JVM is already exiting, so main must return instead of calling exit. */
    private static volatile boolean exiting;

    public static void main(String[] args) {
        Printer out = new Printer(new FileOutputStream(FileDescriptor.out));
        Printer err = new Printer(new FileOutputStream(FileDescriptor.err));
        System.setOut(out);
        System.setErr(err); // the log (LogLines writes to System.err) goes through the printer too
        int code = new Main(out, err).execute(args);
        if (!exiting) System.exit(code);
    }

    static Options options() {
        Options o = new Options();
        o.addOption(Option.builder("c").longOpt("config").hasArg().argName("FILE")
                .desc("config file (YAML, or JSON when it ends in .json)").get());
        o.addOption(Option.builder().longOpt("source").hasArg().argName("upnp|snmp|pcp|openwrt|web")
                .desc("wan-ip: read from this source only").get());
        o.addOption(Option.builder().longOpt("add").hasArg().argName("EXT[:INT][/tcp|udp]")
                .desc("mappings: add one mapping for this host (or --client), e.g. 8080:80/tcp").get());
        o.addOption(Option.builder().longOpt("delete").hasArg().argName("EXT[/tcp|udp]")
                .desc("mappings: delete one mapping, e.g. 8080/tcp").get());
        o.addOption(Option.builder().longOpt("client").hasArg().argName("IP")
                .desc("mappings --add: the LAN address to forward to (default: this host)").get());
        o.addOption(Option.builder().longOpt("lease").hasArg().argName("SECONDS")
                .desc("mappings --add: lease in seconds (default 3600; 0 = permanent)").get());
        o.addOption(Option.builder("v").longOpt("verbose").desc("debug logging").get());
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").get());
        o.addOption(Option.builder().longOpt("version").desc("print the version").get());
        return o;
    }

    @SuppressWarnings("deprecation") // commons-cli 1.11's new help API prints through a serializer; this one suffices
    void usage(PrintStream to) {
        PrintWriter w = new PrintWriter(to);
        new HelpFormatter().printHelp(w, 100, "wan-agent COMMAND -c FILE [options]",
                "\nCommands:\n"
                        + "  run        run as a daemon in the foreground (logs to stderr)\n"
                        + "  once       one full pass: WAN address, port mappings, DNS; exit 0 on success\n"
                        + "  wan-ip     print the router's WAN address\n"
                        + "  mappings   list the router's port-mapping table (--add/--delete: change one entry)\n"
                        + "  check      the doctor: probe the router, mappings, web echo and DNS state read-only, and\n"
                        + "             say in plain words what to do (CGNAT, double NAT, UPnP off, ...); exit 1 when\n"
                        + "             something blocks the config's mappings or DNS\n"
                        + "  status     what the agent last saw and pushed, per DNS record, and its HA role (from the state"
                        + " file)\n\nOptions:",
                options(), 2, 4, "\nExit codes: 0 success, 1 failure (or an unusable config), 2 bad usage.", false);
        w.flush();
    }

    int execute(String[] args) {
        CommandLine cl;
        try {
            cl = new DefaultParser().parse(options(), args);
        } catch (ParseException e) {
            err.println("wan-agent: " + e.getMessage());
            usage(err);
            return USAGE;
        }
        if (cl.hasOption("help")) {
            usage(out);
            return OK;
        }
        if (cl.hasOption("version")) {
            out.println("wan-agent " + version());
            return OK;
        }
        List<String> rest = cl.getArgList();
        if (rest.size() != 1 || !COMMANDS.contains(rest.get(0))) {
            err.println("wan-agent: " + (rest.isEmpty() ? "no command given"
                    : rest.size() > 1 ? "one command at a time (got " + String.join(" ", rest) + ")"
                    : "unknown command '" + rest.get(0) + "'"));
            usage(err);
            return USAGE;
        }
        String command = rest.get(0);
        if (!cl.hasOption("config")) {
            err.println("wan-agent: " + command + " needs -c FILE (the config file)");
            usage(err);
            return USAGE;
        }
        Optional<String> source = Optional.ofNullable(cl.getOptionValue("source"));
        if (source.isPresent() && !command.equals("wan-ip")) {
            err.println("wan-agent: --source applies to wan-ip only");
            usage(err);
            return USAGE;
        }
        if (source.isPresent() && !List.of("upnp", "snmp", "pcp", "openwrt", "web").contains(source.get())) {
            err.println("wan-agent: --source must be upnp, snmp, pcp, openwrt or web, not '" + source.get() + "'");
            usage(err);
            return USAGE;
        }
        for (String only : List.of("add", "delete", "client", "lease")) {
            if (cl.hasOption(only) && !command.equals("mappings")) {
                err.println("wan-agent: --" + only + " applies to mappings only");
                usage(err);
                return USAGE;
            }
        }
        Optional<MappingEdit> edit;
        try {
            edit = MappingEdit.from(cl.getOptionValue("add"), cl.getOptionValue("delete"), cl.getOptionValue("client"),
                    cl.getOptionValue("lease"));
        } catch (IllegalArgumentException e) {
            err.println("wan-agent: " + e.getMessage());
            usage(err);
            return USAGE;
        }
        configureLogging(command, cl.hasOption("verbose"));

        AgentConfig config;
        try {
            config = ConfigLoader.withSystemEnvironment().load(Path.of(cl.getOptionValue("config")));
        } catch (ConfigException e) {
            err.println("wan-agent: config " + cl.getOptionValue("config") + " is not usable:");
            for (String p : e.problems()) err.println("  " + p);
            return FAILED;
        }
        try (Agent agent = new Agent(config, Clock.systemUTC(), command.equals("run") || command.equals("once"))) {
            return switch (command) {
                case "run" -> run(agent);
                case "once" -> once(agent);
                case "wan-ip" -> wanIp(agent, source);
                case "mappings" -> edit.isPresent() ? edit.get().apply(agent, out, err) : mappings(agent);
                case "status" -> status(agent);
                default -> CheckCommand.run(agent, out);
            };
        }
    }

    /** How much of the log a command prints (every line goes to stderr through {@link LogLines}). */
    private static void configureLogging(String command, boolean verbose) {
        LogLines.threshold(verbose ? Level.DEBUG : switch (command) {
            case "run", "once" -> Level.INFO;
            case "wan-ip" -> Level.ERROR;
            default -> Level.WARN;
        });
    }

    private boolean stateDirUsable(AgentConfig config) {
        Path dir = config.stateDir();
        try {
            Files.createDirectories(dir);
            if (!Files.isWritable(dir)) throw new IOException("not writable");
            return true;
        } catch (IOException e) {
            err.println("wan-agent: stateDir " + dir + " is not usable (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); set stateDir to a writable directory");
            return false;
        }
    }

    private int run(Agent agent) {
        if (!stateDirUsable(agent.config)) return FAILED;
        Thread loop = Thread.currentThread();
        Thread hook = new Thread(() -> {
            exiting = true;
            agent.monitor.stop();
            try {
                loop.join(4500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        agent.upnp.ifPresent(u -> u.enableEvents(agent.monitor::trigger));
        agent.snmp.ifPresent(s -> s.enableTraps(agent.monitor::trigger));
        agent.pcp.ifPresent(p -> p.enableAnnouncements(agent.monitor::trigger));
        StatusServer status = null;
        if (agent.config.statusListen().isPresent()) {
            try {
                status = new StatusServer(agent.config.statusListen().get(),
                        agent.config.statusToken().map(Secret::reveal), agent.dispatcher::state, agent.monitor::last,
                        agent.config.pollInterval(), Clock.systemUTC(), agent.monitor::trigger,
                        agent.metrics.orElse(null));
            } catch (IOException e) {
                err.println("wan-agent: cannot serve status on " + agent.config.statusListen().get() + ": " + e.getMessage());
                return FAILED;
            }
        }
        agent.monitor.run();
        if (status != null) status.close();
        // HA: an active host that stops hands over at once (the standby sees the mappings free within seconds)
        if (agent.config.removeMappingsOnExit() || agent.config.ha().enabled()) agent.reconciler.removeAll();
        return OK;
    }

    private int once(Agent agent) {
        if (!stateDirUsable(agent.config)) return FAILED;
        WanMonitor.PassResult r = agent.monitor.pass();
        if (r.wanAddress().isPresent()) {
            out.println("wan " + r.wanAddress().get().ipv4().getHostAddress()
                    + r.wanAddress().get().ipv6().map(a -> " " + a.getHostAddress()).orElse("") + " (" + r.source() + ")");
        } else {
            out.println("wan unknown: " + String.join("; ", r.sourceProblems()));
        }
        for (MappingReconciler.MappingStatus m : r.mappings()) {
            out.println("mapping " + m.name() + ": " + (m.ok() ? "ok " : "FAILED ") + m.detail());
        }
        for (UpdateDispatcher.RecordResult d : r.records()) {
            out.println("dns " + d.hostname() + (d.type().equals("A") ? "" : " " + d.type()) + " via " + d.provider()
                    + ": " + (d.ok() ? "ok " : "FAILED ") + d.detail());
        }
        return r.ok() ? OK : FAILED;
    }

    private int wanIp(Agent agent, Optional<String> source) {
        List<WanSource> sources = source.map(s -> agent.source(s).map(List::of).orElse(List.<WanSource>of()))
                .orElse(agent.sources);
        if (sources.isEmpty()) {
            err.println("wan-agent: source " + source.orElse("") + " is not enabled in the config"
                    + " (router." + source.orElse("") + ".enabled)");
            return FAILED;
        }
        StringBuilder problems = new StringBuilder();
        for (WanSource s : sources) {
            try {
                out.println(s.readWanAddress().ipv4().getHostAddress());
                return OK;
            } catch (IOException e) {
                if (problems.length() > 0) problems.append("; ");
                problems.append(s.name()).append(": ").append(e.getMessage());
            }
        }
        err.println("wan-agent: cannot read the WAN address: " + problems);
        return FAILED;
    }

    /**
     * What each enabled protocol holds: the router's UPnP table, and the mappings kept over PCP/NAT-PMP. Fails only
     * when no enabled protocol answered.
     */
    private int mappings(Agent agent) {
        if (agent.upnp.isEmpty() && agent.pcp.isEmpty()) {
            err.println("wan-agent: mappings are read over UPnP or PCP/NAT-PMP, and router.upnp.enabled and"
                    + " router.pcp.enabled are false");
            return FAILED;
        }
        boolean answered = false;
        if (agent.upnp.isPresent()) answered = upnpTable(agent) == OK;
        if (agent.pcp.isPresent()) answered |= PcpMappingsCommand.list(agent, out, err) == OK;
        return answered ? OK : FAILED;
    }

    private int upnpTable(Agent agent) {
        try {
            InternetGateway g = agent.upnp.get().gateway();
            List<PortMapping> table = g.portMappings();
            out.println("UPnP: router " + g.description().location() + ": " + table.size() + " port mapping"
                    + (table.size() == 1 ? "" : "s"));
            for (PortMapping m : table) {
                boolean ours = agent.config.mappings().stream().anyMatch(c -> c.externalPort() == m.externalPort()
                        && c.protocol().equals(m.protocol())
                        && m.description().equals(MappingReconciler.DESCRIPTION_PREFIX + c.name()));
                out.println(String.format("%s %-3s %5d -> %s:%d  %s  '%s'%s", ours ? "*" : " ", m.protocol(), m.externalPort(),
                        m.internalClient(), m.internalPort(),
                        m.leaseSeconds() == 0 ? "permanent" : "lease " + m.leaseSeconds() + "s",
                        m.description(), m.enabled() ? "" : " (disabled)"));
            }
            return OK;
        } catch (IOException e) {
            err.println("wan-agent: cannot read the port-mapping table over UPnP: " + e.getMessage());
            return FAILED;
        }
    }

    private int status(Agent agent) {
        StateStore.Loaded loaded = agent.store.read();
        if (loaded.problem().isPresent()) {
            out.println("state: " + loaded.problem().get() + " (left as it is; `run` sets it aside and starts afresh)");
            return FAILED;
        }
        StateStore.State s = loaded.state();
        out.println("wan " + (s.wanAddress() == null ? "unknown" : s.wanAddress() + " (" + s.wanSource() + ", seen "
                + s.wanSeenAt() + ")"));
        s.ha().ifPresent(this::printHa);
        if (s.records().isEmpty()) out.println("no DNS record pushed yet (state in " + agent.config.stateDir() + ")");
        boolean allOk = true;
        for (StateStore.RecordState r : s.records()) {
            String line = "dns " + r.hostname() + " " + r.type() + " via " + r.provider() + ": " + r.status();
            line += switch (r.status()) {
                case SUCCESS -> " " + r.address() + " since " + r.updatedAt() + " (" + r.result() + ")";
                case RETRY -> " " + r.attemptedAddress() + " after " + r.failures() + " failure(s), next try "
                        + r.retryAt() + " (" + r.result() + ")";
                case FATAL -> " " + r.attemptedAddress() + ": " + r.result()
                        + "; stopped until the provider's config changes";
            };
            allOk &= r.status() == StateStore.Status.SUCCESS;
            out.println(line);
        }
        return allOk ? OK : FAILED;
    }

    /** High availability as the running agent last recorded it: the role, the takeovers, each mapping's holder. */
    private void printHa(StateStore.HaState ha) {
        out.println("ha " + ha.role().word() + (ha.role() == HaRole.SINGLE
                ? " (the router grants only permanent leases: HA cannot work, this host keeps the mappings alone)" : "")
                + ", recorded " + ha.recordedAt() + ": " + (ha.takeovers() == 0 ? "no takeover yet"
                : ha.takeovers() + " takeover(s)" + (ha.lastTakeover() == null ? "" : ", the last at "
                + ha.lastTakeover())));
        ha.holders().forEach((name, holder) -> out.println("ha mapping " + name + ": "
                + (holder.isEmpty() ? "free" : "held by " + holder)));
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
