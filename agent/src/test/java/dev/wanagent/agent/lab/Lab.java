package dev.wanagent.agent.lab;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The lab from a test's point of view. Lab tests run inside the lab's LAN namespace (lab/test-all.sh starts them
 * there with `ip netns exec lan`), drive the router with lab/lab.sh and run the real agent jar.
 */
public final class Lab {
    public static final Path ROOT = findRoot();
    public static final Path JAR = ROOT.resolve("agent/target/wan-agent.jar");
    public static final String ROOT_DESC = "http://192.168.77.1:5000/rootDesc.xml";
    public static final String LAN_HOST = "192.168.77.100";
    public static final String DEFAULT_WAN = "11.22.33.44";

    private Lab() {
    }

    private static Path findRoot() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("lab/lab.sh"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find the repository root (lab/lab.sh) above "
                + System.getProperty("user.dir"));
        return p;
    }

    /**
     * Skips the calling test unless this JVM runs as root inside the lab's LAN namespace with the lab up. With
     * WAN_AGENT_LAB_REQUIRED=1 (CI) a missing lab is a failure, not a skip.
     */
    public static void require() {
        String why = null;
        try {
            String ns = run(List.of("ip", "netns", "identify"), Duration.ofSeconds(5)).stdout().trim();
            if (!"lan".equals(ns)) why = "this JVM is not in the lab's LAN namespace (ip netns identify: '" + ns + "')";
            else if (!"running".equals(lab("status").lines().filter(l -> l.startsWith("miniupnpd:")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(""))) why = "miniupnpd is not running";
        } catch (IOException | RuntimeException e) {
            why = "cannot inspect the lab (" + e.getMessage() + ")";
        }
        if (why == null) return;
        String message = "lab test skipped: " + why + ". Lab tests need root and the lab: run `sudo lab/test-all.sh`.";
        if ("1".equals(System.getenv("WAN_AGENT_LAB_REQUIRED"))) Assertions.fail(message);
        Assumptions.abort(message);
    }

    public record Result(int exit, String stdout, String stderr) {
    }

    public static Result run(List<String> command, Duration timeout) throws IOException {
        return run(command, Map.of(), timeout);
    }

    /** Runs {@code command} with {@code input} on its standard input. */
    public static Result run(List<String> command, Duration timeout, String input) throws IOException {
        Path in = Files.createTempFile("lab-in", ".txt");
        try {
            Files.writeString(in, input);
            return run(command, Map.of(), timeout, in);
        } finally {
            Files.deleteIfExists(in);
        }
    }

    public static Result run(List<String> command, Map<String, String> env, Duration timeout) throws IOException {
        return run(command, env, timeout, Path.of("/dev/null"));
    }

    private static Result run(List<String> command, Map<String, String> env, Duration timeout, Path input)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("lab-out", ".txt");
        Path err = Files.createTempFile("lab-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                input.toFile()));
        Process p = pb.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** lab/lab.sh ARGS; its stdout. A non-zero exit fails. */
    public static String lab(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("lab/lab.sh").toString()));
        cmd.addAll(List.of(args));
        Result r = run(cmd, Duration.ofSeconds(30));
        if (r.exit() != 0) throw new IOException("lab/lab.sh " + String.join(" ", args) + " failed: " + r.stderr());
        return r.stdout();
    }

    /** The router's table as upnpc (miniupnpc, independent of our code) lists it. */
    public static String upnpcList() throws IOException {
        return run(List.of("upnpc", "-u", ROOT_DESC, "-l"), Duration.ofSeconds(10)).stdout();
    }

    /** Runs the agent jar with ARGS and waits for it. */
    public static Result agent(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return run(cmd, env, Duration.ofSeconds(60));
    }

    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Polls {@code condition} every 50 ms until true or {@code timeout}; returns how long it took. */
    public static Duration await(String what, Duration timeout, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return Duration.ofNanos(System.nanoTime() - start);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
    }

    /** The lab tests' agent config: UPnP + SNMP sources, web 8080→80 and rdp 3389, the fake dyndns2 provider. */
    public static String agentConfig(Path stateDir, String pollInterval, int leaseSeconds, String upnpExtra) {
        return """
                router:
                  upnp:
                    enabled: true
                %s
                  snmp:
                    enabled: true
                    host: 192.168.77.1
                    community: ${SNMP_COMMUNITY}
                pollInterval: %s
                mappings:
                  - name: web
                    externalPort: 8080
                    internalPort: 80
                    protocol: TCP
                    internalClient: auto
                    leaseSeconds: %d
                  - name: rdp
                    externalPort: 3389
                    internalPort: 3389
                    protocol: TCP
                %s
                stateDir: %s
                """.formatted(upnpExtra, pollInterval, leaseSeconds, FAKE_PROVIDER, stateDir);
    }

    /** The providers block for the lab's fake dyndns2 endpoint (password from DYN_PASSWORD). */
    public static final String FAKE_PROVIDER = """
            providers:
              - type: dyndns2
                server: %s
                allowPlainHttp: true
                username: %s
                password: ${DYN_PASSWORD}
                hostnames: [home.example.net]""".formatted(FakeProvider.URL, FakeProvider.USER);

    /** The environment {@link #agentConfig} needs. */
    public static final Map<String, String> AGENT_ENV = Map.of("DYN_PASSWORD", FakeProvider.PASSWORD,
            "SNMP_COMMUNITY", "wanlab");

    /** Both configured mappings point at this host. */
    public static boolean hasMappings(String table) {
        return table.contains("8080->" + LAN_HOST + ":80 ") && table.contains("3389->" + LAN_HOST + ":3389 ");
    }

    public static String upnpcListOrEmpty() {
        try {
            return upnpcList();
        } catch (IOException e) {
            return "";
        }
    }

    private static final java.util.regex.Pattern UPNPC_ROW =
            java.util.regex.Pattern.compile("(TCP|UDP)\\s+(\\d+)->([\\d.]+):(\\d+)");

    /** Who holds 8080 and 3389 on the router ("" when free), as upnpc lists the table: "web,rdp". */
    public static String holders() {
        String web = "";
        String rdp = "";
        java.util.regex.Matcher m = UPNPC_ROW.matcher(upnpcListOrEmpty());
        while (m.find()) {
            if (m.group(2).equals("8080")) web = m.group(3);
            if (m.group(2).equals("3389")) rdp = m.group(3);
        }
        return web + "," + rdp;
    }

    /** True when {@code host} holds both 8080 and 3389. */
    public static boolean heldBy(String host) {
        return holders().equals(host + "," + host);
    }

    public static Path writeConfig(Path dir, String yaml) throws IOException {
        Path f = dir.resolve("wan-agent.yaml");
        Files.writeString(f, yaml, StandardCharsets.UTF_8);
        return f;
    }
}
