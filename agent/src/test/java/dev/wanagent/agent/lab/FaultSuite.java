package dev.wanagent.agent.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Issue E: the fault suite, run by {@code lab/faults.sh} (not a {@code *LabIT}, so the normal lab run leaves it
 * out). Every scenario drives the real agent jar ({@code run}) against the lab's real peers: miniupnpd, snmpd and
 * lab/FakeDyndns2.java in the isp namespace, with router events on, SNMP enabled too and a 1 h poll, so only the
 * agent's own recovery logic can explain a fast recovery.
 *
 * <ol>
 *   <li>router outages (miniupnpd stopped with its rules and leases, i.e. all mappings lost), seeded downtimes,
 *       each from a settled agent (1 s after the last recovery): mappings back within 5 s of the router answering
 *       again;</li>
 *   <li>100 PPPoE-style WAN flaps: no 0.0.0.0 or stale address at the provider, every address arrives, at most one
 *       provider call per change;</li>
 *   <li>provider failures (HTTP 500 "911", no answer, connection closed, a slow answer): a retry is logged, the
 *       provider is not hammered, the next address arrives once it works again;</li>
 *   <li>snmpd down and back with SNMP as the first source: UPnP carries the change, SNMP is used again after;</li>
 *   <li>kill -9 of the agent at seeded random moments: the state file stays valid, nothing is set aside, an
 *       address the state holds as done is never sent again, and the agent settles afterwards;</li>
 *   <li>the agent's requests to the router in a quiet minute.</li>
 * </ol>
 * Each scenario gives one row of the table written to {@code target/faults-table.txt}; a failed assertion marks
 * its row FAIL, the suite goes on, and the test fails at the end with every failure (also in
 * {@code target/faults-failures.txt}). Agents' and the provider's logs stay in {@code target/faults/}.
 */
class FaultSuite {
    /**
     * Used when FAULT_SEED is not set. Ten draws of 1-30 s add up to 155 s on average, too much for a suite of at most
     * 5 minutes; this seed's add up to 50 s and still span the range: 1, 1, 1, 1, 25, 4, 9, 1, 3, 4 s.
     */
    static final long DEFAULT_SEED = 28476587;
    /** The outages' total downtime at most: a seed that draws more is scaled down to it (each outage ≥ 1 s). */
    static final int OUTAGE_BUDGET_S = 50;
    static final int OUTAGES = 10;
    static final long MAPPINGS_BACK_MS = 5_000;
    static final int FLAPS = 100;
    /** Provider calls allowed beyond one per change in the flap scenario (the next change waits for the answer). */
    static final int FLAP_CALL_ALLOWANCE = 0;
    static final int KILLS = 50;
    static final long KILL_MAX_WAIT_MS = 2_500;
    static final int QUIET_SECONDS = 60;
    /**
     * Requests to the router in the quiet minute at most. With a 1 h poll and 3600 s leases only housekeeping is
     * left: GENA renewals (at half the granted 1800 s: none in a minute) and the check the agent makes when it
     * hears the router's first ssdp:alive burst after its start (RestartEvidence: "its rhythm is unknown"; a GENA
     * subscription and one pass, 7 HTTP connections to miniupnpd when measured), which falls into the minute
     * whenever the router's 30 s announcement comes after the agent settled. A poll or re-check loop would be
     * far above this.
     */
    static final int QUIET_MAX_REQUESTS = 10;
    static final String HOST = "home.example.net";
    static final ObjectMapper JSON = new ObjectMapper();

    private final Path work = Lab.ROOT.resolve("target/faults");
    private final List<Row> rows = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private Provider provider;
    private long seed;
    /** The agent of scenarios 1-3 (UPnP first, SNMP second), kept from one to the next while they pass. */
    private RunningAgent upnpFirst;
    private boolean lastOk = true;
    private final long suiteStart = System.nanoTime();

    record Row(String scenario, int runs, boolean ok, String figures) {
    }

    /** A scenario: its row's figures, or an AssertionError naming what failed (with the figures so far). */
    interface Scenario {
        String run(StringBuilder figures) throws Exception;
    }

    @Test
    void faults() throws Exception {
        Lab.require();
        String s = System.getenv("FAULT_SEED");
        seed = s == null || s.isBlank() ? DEFAULT_SEED : Long.parseLong(s.trim());
        deleteTree(work);
        Files.createDirectories(work);
        progress("fault suite, seed " + seed + "; logs in " + work);
        provider = new Provider(work);
        try {
            scenario("router outage 1-30 s", OUTAGES, this::routerOutages);
            scenario("PPPoE flap", FLAPS, this::flaps);
            scenario("provider 500/timeout/reset/slow", 4, this::providerFailures);
            scenario("snmpd down/back", 1, this::snmpdDownAndBack);
            // the kill scenario leaves its last agent running, settled, for the quiet minute
            RunningAgent[] settled = new RunningAgent[1];
            try {
                scenario("kill -9", KILLS, f -> kills(f, settled));
                scenario("router requests, quiet minute", 1, f -> quietMinute(f, settled[0]));
            } finally {
                if (settled[0] != null) settled[0].close();
            }
        } finally {
            if (upnpFirst != null) upnpFirst.close();
            provider.close();
            Lab.lab("router-requests", "off");
            writeTable();
        }
        if (!failures.isEmpty()) Assertions.fail("fault suite: " + failures.size() + " scenario(s) failed:\n"
                + String.join("\n\n", failures));
    }

    private void scenario(String name, int runs, Scenario s) {
        long t0 = System.nanoTime();
        progress("== " + name);
        StringBuilder figures = new StringBuilder();
        try {
            restoreLab();
            rows.add(new Row(name, runs, true, s.run(figures)));
            lastOk = true;
        } catch (Throwable e) {
            lastOk = false;
            String why = e instanceof AssertionError ? e.getMessage() : e.toString();
            rows.add(new Row(name, runs, false, (figures.length() > 0 ? figures + "; " : "") + "FAILED: "
                    + firstLine(why)));
            StringBuilder detail = new StringBuilder(name + ": " + why);
            if (!(e instanceof AssertionError)) detail.append('\n').append(stackTrace(e));
            failures.add(detail.toString());
            progress("   FAILED: " + why);
        }
        progress("   " + name + ": " + rows.get(rows.size() - 1).figures() + " (" + (System.nanoTime() - t0) / 1_000_000_000
                + " s)");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 1. router outages

    /** Seeded downtimes, 1-30 s each, scaled down to {@link #OUTAGE_BUDGET_S} in total when they add up to more. */
    static int[] outageDowntimes(long seed) {
        Random r = new Random(seed);
        int[] d = new int[OUTAGES];
        for (int i = 0; i < d.length; i++) d[i] = 1 + r.nextInt(30);
        int sum = Arrays.stream(d).sum();
        if (sum > OUTAGE_BUDGET_S) {
            for (int i = 0; i < d.length; i++) d[i] = Math.max(1, (int) Math.floor(d[i] * (double) OUTAGE_BUDGET_S / sum));
        }
        return d;
    }

    private String routerOutages(StringBuilder figures) throws Exception {
        int[] downtimes = outageDowntimes(seed);
        java.util.Random pauses = new java.util.Random(seed);
        RunningAgent agent = upnpFirstAgent();
        long sinceStart = provider.updates().size();
        List<Long> back = new ArrayList<>();
        for (int i = 0; i < downtimes.length; i++) {
            Lab.lab("router-down");
            Thread.sleep(downtimes[i] * 1000L);
            Lab.lab("router-up"); // returns once miniupnpd listens on its HTTP port again
            long t0 = System.nanoTime();
            long deadline = t0 + TimeUnit.SECONDS.toNanos(15); // beyond the 5 s goal, to report the real figure
            long took = -1;
            while (System.nanoTime() < deadline) {
                if (Lab.hasMappings(Lab.upnpcListOrEmpty())) {
                    took = (System.nanoTime() - t0) / 1_000_000;
                    break;
                }
            }
            progress("   outage " + (i + 1) + ": down " + downtimes[i] + " s, mappings back "
                    + (took < 0 ? "NOT within 15 s" : took + " ms") + " after the router answered");
            back.add(took < 0 ? Long.MAX_VALUE : took);
            if (took < 0 || took > MAPPINGS_BACK_MS) {
                figures.setLength(0);
                figures.append("outage ").append(i + 1).append(" (down ").append(downtimes[i]).append(" s): ")
                        .append(took < 0 ? "mappings not back within 15 s" : "mappings back after " + took + " ms");
                throw new AssertionError("router outage " + (i + 1) + " (down " + downtimes[i] + " s): mappings "
                        + (took < 0 ? "not back within 15 s" : "back only after " + took + " ms") + " (goal ≤ "
                        + MAPPINGS_BACK_MS + " ms)\n" + agentLogTail(agent, 60));
            }
            // a random moment (seeded): the next outage may land in the middle of the agent's follow-up passes,
            // which must not slow the recovery down
            Thread.sleep(pauses.nextInt(1000));
        }
        int calls = provider.updates().size() - (int) sinceStart;
        return "mappings back after router answers: " + stats(back, "ms") + "; downtime "
                + Arrays.stream(downtimes).sum() + " s (" + Arrays.stream(downtimes).mapToObj(Integer::toString)
                .collect(Collectors.joining("+")) + "); provider calls " + calls;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 2. PPPoE flaps

    /** The router held {@code address} from {@code from} (just before it was added) to {@code to} (next change). */
    record Held(String address, long from, long to) {
    }

    private String flaps(StringBuilder figures) throws Exception {
        RunningAgent agent = upnpFirstAgent();
        long start = System.currentTimeMillis();
        List<Held> held = new ArrayList<>();
        List<Long> latency = new ArrayList<>();
        for (int i = 0; i < FLAPS; i++) {
            long changeStart = System.currentTimeMillis();
            if (!held.isEmpty()) {
                Held last = held.remove(held.size() - 1);
                held.add(new Held(last.address(), last.from(), changeStart));
            }
            Change c = wanChange();
            held.add(new Held(c.address(), c.stamp(), Long.MAX_VALUE));
            Optional<Provider.Update> got = awaitUpdate(c.address(), c.stamp(), Duration.ofSeconds(10));
            if (got.isEmpty()) {
                figures.append("change ").append(i + 1).append(" never reached the provider");
                throw new AssertionError("flap " + (i + 1) + ": " + c.address() + " did not reach the provider"
                        + " within 10 s\n" + agentLogTail(agent, 40));
            }
            latency.add(got.get().millis() - c.stamp());
            // the next change only once the agent has the provider's answer (a change cuts the answer's way back)
            awaitFast("the agent to finish pushing " + c.address(), Duration.ofSeconds(10),
                    () -> agent.logContains(" A: now " + c.address() + " "));
        }
        Thread.sleep(1000); // late or repeated calls would show up now
        long end = System.currentTimeMillis();
        List<Provider.Update> updates = provider.updates().stream().filter(u -> u.millis() >= start).toList();
        List<Provider.Request> calls = provider.requests(start, end);
        List<String> bogus = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        for (Provider.Update u : updates) {
            if (!publishable(u.ip())) {
                bogus.add(u.toString());
                continue;
            }
            Held at = held.stream().filter(h -> u.millis() >= h.from() && u.millis() < h.to()).findFirst().orElse(null);
            if (at == null || !at.address().equals(u.ip())) {
                stale.add(u + " (router then held " + (at == null ? "no address" : at.address()) + ")");
            }
        }
        String current = Lab.lab("wan-ip").trim();
        String holds = provider.holds(HOST);
        if (!current.equals(holds)) stale.add("the provider ends with " + holds + ", the router with " + current);
        figures.append("DNS updated: p50 ").append(percentile(latency, 50)).append(" p95 ")
                .append(percentile(latency, 95)).append(" max ").append(percentile(latency, 100))
                .append(" ms; provider calls ").append(calls.size()).append("; bogus ").append(bogus.size())
                .append("; stale ").append(stale.size());
        String result = figures.toString();
        List<String> problems = new ArrayList<>();
        if (!bogus.isEmpty()) problems.add("non-public addresses reached the provider: " + bogus);
        if (!stale.isEmpty()) problems.add("stale addresses reached the provider: " + stale);
        if (calls.size() > FLAPS + FLAP_CALL_ALLOWANCE) {
            problems.add(calls.size() + " provider calls for " + FLAPS + " changes (allowed: " + FLAPS + " + "
                    + FLAP_CALL_ALLOWANCE + ")");
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n", problems) + "\n" + agentLogTail(agent, 40));
        }
        return result;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 3. provider failures

    private String providerFailures(StringBuilder figures) throws Exception {
        RunningAgent agent = upnpFirstAgent();
        try {
            List<String> parts = new ArrayList<>();
            for (String mode : List.of("error", "timeout", "reset")) {
                provider.mode(mode);
                Change c = wanChange();
                long windowEnd = c.stamp() + 10_000;
                Pattern retry = Pattern.compile(" A: update to " + Pattern.quote(c.address()) + " failed \\(.*\\); retrying after ");
                sleepUntil(windowEnd);
                int calls = provider.requests(c.stamp(), windowEnd).size();
                try {
                    awaitFast("the agent to log a retry for " + c.address() + " (mode " + mode + ")",
                            Duration.ofMillis(Math.max(1000, c.stamp() + 25_000 - System.currentTimeMillis())),
                            () -> retry.matcher(agent.log()).find());
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\n" + agentLogTail(agent, 30));
                }
                String retryLine = agent.log().lines().filter(l -> retry.matcher(l).find()).findFirst().orElse("");
                if (calls > 2 || calls < 1) {
                    figures.append(mode).append(": ").append(calls).append(" calls in 10 s");
                    throw new AssertionError("provider mode " + mode + ": " + calls + " calls in the 10 s after the"
                            + " change (expected 1-2)\n" + agentLogTail(agent, 30));
                }
                provider.mode("ok");
                Change next = wanChange();
                Optional<Provider.Update> got = awaitUpdate(next.address(), next.stamp(), Duration.ofSeconds(5));
                if (got.isEmpty()) {
                    figures.append(mode).append(": ").append(calls).append(" calls/10 s, next address not within 5 s");
                    throw new AssertionError("provider back from " + mode + ": " + next.address() + " did not arrive"
                            + " within 5 s\n" + agentLogTail(agent, 30));
                }
                awaitFast("the agent to finish pushing " + next.address(), Duration.ofSeconds(5),
                        () -> agent.logContains(" A: now " + next.address() + " "));
                String part = (mode.equals("error") ? "500" : mode) + ": " + calls + " call" + (calls == 1 ? "" : "s")
                        + " in 10 s, retry logged, next address " + (got.get().millis() - next.stamp()) + " ms";
                parts.add(part);
                progress("   " + part + "; agent: " + retryLine.substring(Math.max(0, retryLine.indexOf(" A: ") + 1)));
                figures.setLength(0);
                figures.append(String.join("; ", parts));
            }
            provider.mode("slow");
            Change c = wanChange();
            Optional<Provider.Update> got = awaitUpdate(c.address(), c.stamp(), Duration.ofSeconds(10));
            if (got.isEmpty()) {
                figures.append("; slow: not within 10 s");
                throw new AssertionError("slow provider: " + c.address() + " not received within 10 s\n"
                        + agentLogTail(agent, 30));
            }
            try {
                awaitFast("the agent to have the slow provider's answer for " + c.address(), Duration.ofSeconds(10),
                        () -> agent.logContains(" A: now " + c.address() + " "));
            } catch (AssertionError e) {
                figures.append("; slow: no success");
                throw new AssertionError(e.getMessage() + "\n" + agentLogTail(agent, 30));
            }
            long done = logTime(agent, " A: now " + c.address() + " ");
            parts.add("slow: ok in " + (done > 0 ? (done - c.stamp()) + " ms" : "(answer after 3 s)"));
            provider.mode("ok");
            return String.join("; ", parts);
        } finally {
            provider.mode("ok");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 4. snmpd down and back, SNMP first

    private String snmpdDownAndBack(StringBuilder figures) throws Exception {
        Path dir = scenarioDir("snmpd");
        // net-snmp caches its address tables for up to ~30 s (lab-notes): a fresh snmpd reports the current address
        Lab.lab("snmpd-stop");
        Lab.lab("snmpd-start");
        String config = """
                router:
                  snmp:
                    enabled: true
                    host: 192.168.77.1
                    community: ${SNMP_COMMUNITY}
                  upnp:
                    enabled: true
                    events: true
                pollInterval: 1h
                mappings:
                  - name: web
                    externalPort: 8080
                    internalPort: 80
                    leaseSeconds: 3600
                  - name: rdp
                    externalPort: 3389
                    internalPort: 3389
                %s
                stateDir: %s
                """.formatted(Lab.FAKE_PROVIDER, dir.resolve("state"));
        try (RunningAgent agent = startAgent(dir, config)) {
            String current = Lab.lab("wan-ip").trim();
            if (!agent.logContains("WAN address is " + current + " (from snmp")) {
                throw new AssertionError("with snmp listed first, the first address should come from snmp\n"
                        + agentLogTail(agent, 30));
            }
            Lab.lab("snmpd-stop");
            Change a = wanChange();
            Optional<Provider.Update> viaUpnp = awaitUpdate(a.address(), a.stamp(), Duration.ofSeconds(15));
            if (viaUpnp.isEmpty()) {
                figures.append("snmpd down: change not at the provider within 15 s");
                throw new AssertionError("snmpd down: " + a.address() + " did not reach the provider within 15 s\n"
                        + agentLogTail(agent, 40));
            }
            awaitFast("the agent to finish pushing " + a.address(), Duration.ofSeconds(10),
                    () -> agent.logContains(" A: now " + a.address() + " "));
            long downMs = viaUpnp.get().millis() - a.stamp();
            figures.append("snmpd down: DNS updated via UPnP in ").append(downMs).append(" ms");
            if (!agent.logContains("WAN address is " + a.address() + " (from upnp")) {
                throw new AssertionError("snmpd down: the address should have come from upnp\n" + agentLogTail(agent, 30));
            }
            int offset = agent.log().length();
            Lab.lab("snmpd-start");
            Change b = wanChange();
            Optional<Provider.Update> back = awaitUpdate(b.address(), b.stamp(), Duration.ofSeconds(15));
            if (back.isEmpty()) {
                figures.append("; snmpd back: change not at the provider within 15 s");
                throw new AssertionError("snmpd back: " + b.address() + " did not reach the provider within 15 s\n"
                        + agentLogTail(agent, 40));
            }
            awaitFast("the agent to finish pushing " + b.address(), Duration.ofSeconds(10),
                    () -> agent.logContains(" A: now " + b.address() + " "));
            figures.append("; back: ").append(back.get().millis() - b.stamp()).append(" ms");
            String after = agent.log().substring(offset);
            boolean fromSnmp = after.contains("WAN address is " + b.address() + " (from snmp");
            figures.append(fromSnmp ? " from snmp" : " NOT from snmp");
            figures.append("; 'SNMP readable again' logged: ").append(readable(after) ? "yes" : "no");
            boolean logged = readable(after);
            if (!fromSnmp || !logged) {
                throw new AssertionError("snmpd back: " + (fromSnmp ? "" : "the address did not come from snmp; ")
                        + (logged ? "" : "no log line says SNMP is readable again") + " (agent log since snmpd-start:)\n"
                        + after);
            }
            if (!alive(dir.resolve("wan-agent.yaml"))) {
                throw new AssertionError("the agent exited\n" + agentLogTail(agent, 40));
            }
            return figures.toString();
        }
    }

    /** A log line saying SNMP works again, in whatever words: it names snmp and says "again". */
    static boolean readable(String log) {
        return Pattern.compile("(?i)(snmp[^\\n]*again|again[^\\n]*snmp)").matcher(log).find();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 5. kill -9

    private String kills(StringBuilder figures, RunningAgent[] settled) throws Exception {
        Path dir = scenarioDir("kill");
        Path stateDir = dir.resolve("state");
        Path cfg = Files.writeString(dir.resolve("wan-agent.yaml"), Lab.agentConfig(stateDir, "1h", 3600,
                "    events: true"));
        Random r = new Random(seed * 31 + 5);
        int changes = 0;
        int tmpSeen = 0;
        List<String> violations = new ArrayList<>();
        List<Long> killedAt = new ArrayList<>();
        for (int i = 0; i < KILLS; i++) {
            String before = successAddress(stateDir, violations, "before run " + (i + 1));
            if (r.nextInt(100) < 35) { // the new address has to be pushed and saved: kills land in that work
                wanChange();
                changes++;
            }
            long wait = (long) (r.nextDouble() * KILL_MAX_WAIT_MS);
            long start = System.currentTimeMillis();
            Path log = dir.resolve("run-" + (i + 1) + ".log");
            ProcessBuilder pb = new ProcessBuilder(Lab.javaBin(), "-jar", Lab.JAR.toString(), "run", "-c",
                    cfg.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(Lab.AGENT_ENV);
            Process p = pb.start();
            Thread.sleep(wait);
            boolean alive = p.isAlive();
            p.destroyForcibly(); // SIGKILL
            p.waitFor(5, TimeUnit.SECONDS);
            killedAt.add(System.currentTimeMillis() - start);
            if (!alive) violations.add("run " + (i + 1) + ": the agent had exited before the kill (" + tail(log, 10) + ")");
            Thread.sleep(60); // a request already on its way is logged by the provider now
            long end = System.currentTimeMillis();
            if (before != null) {
                for (Provider.Update u : provider.updates()) {
                    if (u.millis() >= start && u.millis() <= end && u.ip().equals(before)) {
                        violations.add("run " + (i + 1) + " (killed after " + wait + " ms): sent " + before
                                + " again although state.json held it as done: " + u);
                    }
                }
            }
            try (Stream<Path> files = Files.list(stateDir.toFile().exists() ? stateDir : dir)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (name.startsWith("state.json.bad-")) violations.add("run " + (i + 1) + ": " + name + " appeared");
                    if (name.startsWith("state.json") && name.endsWith(".tmp")) tmpSeen++;
                }
            }
            checkState(stateDir, violations, "after run " + (i + 1) + " (killed after " + wait + " ms)");
        }
        // finally a normal start: it settles, and sends nothing the state already holds as done
        String before = successAddress(stateDir, violations, "before the final run");
        long start = System.currentTimeMillis();
        RunningAgent agent = new RunningAgent(cfg, dir.resolve("final.log"), Lab.AGENT_ENV);
        settled[0] = agent;
        String current = Lab.lab("wan-ip").trim();
        try {
            Lab.await("the mappings after the kills", Duration.ofSeconds(15), () -> Lab.hasMappings(Lab.upnpcListOrEmpty()));
            Lab.await("the provider and state.json to hold " + current, Duration.ofSeconds(15),
                    () -> current.equals(provider.holds(HOST)) && current.equals(stateSuccess(stateDir)));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + agentLogTail(agent, 40));
        }
        Thread.sleep(500);
        if (before != null) {
            for (Provider.Update u : provider.updates()) {
                if (u.millis() >= start && u.ip().equals(before)) {
                    violations.add("final run: sent " + before + " again although state.json held it as done: " + u);
                }
            }
        }
        List<String> left;
        try (Stream<Path> files = Files.list(stateDir)) {
            left = files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("state.json")
                    && (n.endsWith(".tmp") || n.startsWith("state.json.bad-"))).toList();
        }
        checkState(stateDir, violations, "after the final run");
        long bad = violations.stream().filter(v -> v.contains(".bad-")).count();
        long dup = violations.stream().filter(v -> v.contains("again although")).count();
        long tmpLeft = left.stream().filter(n -> n.endsWith(".tmp")).count();
        figures.append("bad state files ").append(bad).append("; tmp left ").append(tmpLeft)
                .append("; duplicate provider calls ").append(dup).append("; kills after ")
                .append(stats(killedAt, "ms")).append(", ").append(changes).append(" WAN changes; tmp seen after kills ")
                .append(tmpSeen);
        if (!violations.isEmpty() || !left.isEmpty()) {
            throw new AssertionError("kill -9: " + (left.isEmpty() ? "" : "left in the state dir: " + left + "\n")
                    + String.join("\n", violations));
        }
        return figures.toString();
    }

    /** The address state.json holds as SUCCESS for the record (null: none, or no file); checks the file too. */
    private String successAddress(Path stateDir, List<String> violations, String when) throws IOException {
        checkState(stateDir, violations, when);
        return stateSuccess(stateDir);
    }

    private static String stateSuccess(Path stateDir) {
        try {
            JsonNode root = JSON.readTree(stateDir.resolve("state.json").toFile());
            for (JsonNode r : root.path("records")) {
                if (HOST.equals(r.path("hostname").asText()) && "A".equals(r.path("type").asText())
                        && "SUCCESS".equals(r.path("status").asText())) {
                    return r.path("address").asText();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** state.json, when present, is JSON of the state file's shape (version 1, valid records). */
    private static void checkState(Path stateDir, List<String> violations, String when) throws IOException {
        Path f = stateDir.resolve("state.json");
        if (!Files.exists(f)) return;
        String problem;
        try {
            problem = stateShapeProblem(JSON.readTree(Files.readAllBytes(f)));
        } catch (IOException e) {
            problem = "not JSON (" + e.getMessage() + ")";
        }
        if (problem != null) violations.add(when + ": state.json is not a valid state file: " + problem + ":\n"
                + Files.readString(f));
    }

    static String stateShapeProblem(JsonNode root) {
        if (root == null || !root.isObject()) return "not a JSON object";
        if (root.path("version").asInt(-1) != 1) return "version is not 1";
        for (String k : List.of("wanAddress")) {
            if (root.has(k) && !isAddress(root.get(k).asText())) return k + " is not an address";
        }
        JsonNode records = root.get("records");
        if (records == null || !records.isArray()) return "records is not a list";
        for (JsonNode r : records) {
            for (String k : List.of("provider", "hostname", "type", "status")) {
                if (!r.path(k).isTextual() || r.path(k).asText().isBlank()) return "a record without " + k;
            }
            if (!Set.of("A", "AAAA").contains(r.get("type").asText())) return "type " + r.get("type");
            String status = r.get("status").asText();
            switch (status) {
                case "SUCCESS" -> {
                    if (!isAddress(r.path("address").asText()) || !r.path("updatedAt").isTextual()) {
                        return "a SUCCESS record without address/updatedAt";
                    }
                }
                case "RETRY" -> {
                    if (!r.path("retryAt").isTextual()) return "a RETRY record without retryAt";
                }
                case "FATAL" -> {
                }
                default -> {
                    return "status " + status;
                }
            }
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 6. quiet minute

    private String quietMinute(StringBuilder figures, RunningAgent agent) throws Exception {
        Path config = work.resolve("kill/wan-agent.yaml");
        if (agent == null || !alive(config)) throw new AssertionError("no running agent from the kill scenario");
        awaitQuiet(agent); // the start-up passes are over
        int offset = agent.log().length();
        Lab.lab("router-requests", "on");
        Thread.sleep(QUIET_SECONDS * 1000L); // nothing happens: no WAN change, no router restart, no upnpc
        String counters = Lab.lab("router-requests", "show").trim();
        Lab.lab("router-requests", "off");
        List<String> passes = agent.log().substring(offset).lines().filter(l -> l.contains(" - pass: "))
                .map(l -> l.substring(l.indexOf(" - pass: ") + 9)).toList();
        String[] w = counters.split("\\s+");
        int upnp = Integer.parseInt(w[1]);
        int snmp = Integer.parseInt(w[3]);
        int ssdp = Integer.parseInt(w[5]);
        int total = upnp + snmp + ssdp;
        figures.append(total).append(" (UPnP HTTP connections ").append(upnp).append(", SNMP ").append(snmp)
                .append(", SSDP ").append(ssdp).append("; bound ").append(QUIET_MAX_REQUESTS).append("); agent passes ")
                .append(passes.size()).append(passes.isEmpty() ? "" : " (" + String.join("; ", passes) + ")");
        if (total > QUIET_MAX_REQUESTS) {
            throw new AssertionError(total + " requests to the router in a quiet minute (" + counters + "), more than "
                    + QUIET_MAX_REQUESTS + "\n" + agentLogTail(agent, 40));
        }
        if (!alive(config)) throw new AssertionError("the agent exited\n" + agentLogTail(agent, 40));
        return figures.toString();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // helpers

    /** The lab as every scenario expects it: miniupnpd and snmpd running, the provider answering. */
    private void restoreLab() throws IOException {
        provider.mode("ok");
        String status = Lab.lab("status");
        if (!status.contains("miniupnpd: running")) Lab.lab("router-up");
        if (!status.contains("snmpd: running")) Lab.lab("snmpd-start");
        if (!status.matches("(?s).*wan: \\d+\\.\\d+\\.\\d+\\.\\d+.*")) Lab.lab("wan-change", Lab.DEFAULT_WAN);
    }

    /**
     * The agent of scenarios 1-3: the running one while the scenarios before passed, else a new one (a failed
     * scenario may leave it in a state that would fail the next one for no reason of its own).
     */
    private RunningAgent upnpFirstAgent() throws IOException, InterruptedException {
        Path dir = scenarioDir("upnp-first");
        if (upnpFirst != null && lastOk && alive(dir.resolve("wan-agent.yaml"))) return upnpFirst;
        if (upnpFirst != null) {
            upnpFirst.close();
            Files.move(dir, work.resolve("upnp-first-" + System.currentTimeMillis()));
            dir = scenarioDir("upnp-first");
        }
        upnpFirst = startAgent(dir, Lab.agentConfig(dir.resolve("state"), "1h", 3600, "    events: true"));
        return upnpFirst;
    }

    private Path scenarioDir(String name) throws IOException {
        return Files.createDirectories(work.resolve(name));
    }

    /**
     * Starts the agent and waits until it settled: the provider has the current address, the mappings exist and it
     * subscribed to events. Its follow-up passes may still run: a fault that lands in one must be handled too.
     */
    private RunningAgent startAgent(Path dir, String yaml) throws IOException, InterruptedException {
        Path cfg = Files.writeString(dir.resolve("wan-agent.yaml"), yaml);
        String current = Lab.lab("wan-ip").trim();
        RunningAgent agent = new RunningAgent(cfg, dir.resolve("agent.log"), Lab.AGENT_ENV);
        try {
            Lab.await("the agent to push " + current, Duration.ofSeconds(20),
                    () -> agent.logContains(" A: now " + current + " "));
            Lab.await("the mappings", Duration.ofSeconds(10), () -> Lab.hasMappings(Lab.upnpcListOrEmpty()));
            Lab.await("the GENA subscription", Duration.ofSeconds(10), () -> agent.logContains("GENA: subscribed"));
        } catch (AssertionError e) {
            agent.close();
            throw new AssertionError("the agent did not settle: " + e.getMessage() + "\n" + agentLogTail(agent, 40));
        }
        return agent;
    }

    record Change(String address, long stamp) {
    }

    /** lab/lab.sh wan-change: the new address and the moment (ms) just before the router got it. */
    private Change wanChange() throws IOException {
        Path stamp = work.resolve("stamp");
        Lab.Result r = Lab.run(List.of(Lab.ROOT.resolve("lab/lab.sh").toString(), "wan-change"),
                Map.of("LAB_STAMP_FILE", stamp.toString()), Duration.ofSeconds(30));
        if (r.exit() != 0) throw new IOException("lab/lab.sh wan-change failed: " + r.stderr());
        return new Change(r.stdout().trim(), Long.parseLong(Files.readString(stamp).trim()));
    }

    private Optional<Provider.Update> awaitUpdate(String ip, long since, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Provider.Update> u = provider.updates().stream()
                    .filter(x -> x.millis() >= since && x.host().equals(HOST) && x.ip().equals(ip)).findFirst();
            if (u.isPresent()) return u;
            Thread.sleep(5);
        }
        return Optional.empty();
    }

    /** Until the agent's log has not grown for 700 ms (at most 5 s). */
    private static void awaitQuiet(RunningAgent agent) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int length = agent.log().length();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - quietSince < TimeUnit.MILLISECONDS.toNanos(700)) {
            Thread.sleep(50);
            int now = agent.log().length();
            if (now != length) {
                length = now;
                quietSince = System.nanoTime();
            }
        }
    }

    /** Like {@link Lab#await}, polling every 5 ms. */
    private static void awaitFast(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(5);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
    }

    private static void sleepUntil(long epochMillis) throws InterruptedException {
        long ms = epochMillis - System.currentTimeMillis();
        if (ms > 0) Thread.sleep(ms);
    }

    /** The time (epoch ms) of the agent's first log line containing {@code text}, from its ISO-8601 time stamp. */
    private static long logTime(RunningAgent agent, String text) {
        return agent.log().lines().filter(l -> l.contains(text)).findFirst().map(l -> {
            try {
                return java.time.OffsetDateTime.parse(l.substring(0, l.indexOf(' '))).toInstant().toEpochMilli();
            } catch (RuntimeException e) {
                return -1L;
            }
        }).orElse(-1L);
    }

    /** Whether the agent started with {@code config} is still running (RunningAgent keeps its process to itself). */
    private static boolean alive(Path config) {
        return ProcessHandle.current().children().anyMatch(h -> h.isAlive()
                && h.info().commandLine().orElse("").contains(config.toString()));
    }

    static boolean publishable(String ip) {
        try {
            InetAddress a = InetAddress.getByName(ip); // a literal: no lookup
            return !(a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress()
                    || a.isMulticastAddress());
        } catch (IOException e) {
            return false;
        }
    }

    static boolean isAddress(String s) {
        return s != null && (s.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (s.contains(":") && s.matches("[0-9a-fA-F:.]+")));
    }

    static long percentile(List<Long> values, int p) {
        List<Long> s = values.stream().sorted().toList();
        int idx = Math.max(0, (p * s.size() + 99) / 100 - 1);
        return s.get(Math.min(idx, s.size() - 1));
    }

    static String stats(List<Long> values, String unit) {
        if (values.isEmpty()) return "none";
        return "min " + percentile(values, 0) + " p50 " + percentile(values, 50) + " max " + percentile(values, 100)
                + " " + unit;
    }

    private static String agentLogTail(RunningAgent agent, int lines) {
        List<String> all = agent.log().lines().toList();
        return "agent log (last " + Math.min(lines, all.size()) + " lines):\n"
                + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static String tail(Path f, int lines) {
        try {
            List<String> all = Files.readAllLines(f);
            return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    private void progress(String line) {
        long s = (System.nanoTime() - suiteStart) / 1_000_000_000;
        System.out.printf("[%3d s] %s%n", s, line);
        System.out.flush();
    }

    private void writeTable() throws IOException {
        StringBuilder t = new StringBuilder();
        t.append("fault suite (seed ").append(seed).append("), ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append('\n');
        t.append(String.format("%-32s %4s  %-6s  %s%n", "scenario", "runs", "result", "figures"));
        for (Row r : rows) {
            t.append(String.format("%-32s %4d  %-6s  %s%n", r.scenario(), r.runs(), r.ok() ? "ok" : "FAIL", r.figures()));
        }
        Path target = Lab.ROOT.resolve("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("faults-table.txt"), t.toString());
        Files.writeString(target.resolve("faults-failures.txt"), String.join("\n\n", failures)
                + (failures.isEmpty() ? "" : "\n"));
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }

    /** lab/FakeDyndns2.java in the isp namespace, with a mode file (ok, error, timeout, reset, slow). */
    static final class Provider implements AutoCloseable {
        record Update(long millis, String host, String ip, String from) {
        }

        record Request(long millis, String mode, String ip, String from) {
        }

        private final Process process;
        private final Path updates;
        private final Path requests;
        private final Path modeFile;

        Provider(Path dir) throws IOException {
            updates = dir.resolve("dyndns2.updates");
            requests = Path.of(updates + ".requests");
            modeFile = dir.resolve("dyndns2.mode");
            Path out = dir.resolve("dyndns2.out");
            Files.writeString(updates, "");
            Files.writeString(requests, "");
            mode("ok");
            process = new ProcessBuilder("ip", "netns", "exec", "isp", Lab.javaBin(),
                    Lab.ROOT.resolve("lab/FakeDyndns2.java").toString(), "11.22.33.1:8245", FakeProvider.USER,
                    FakeProvider.PASSWORD, updates.toString(), modeFile.toString())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            Lab.await("the fake dyndns2 provider to listen", Duration.ofSeconds(20), () -> read(out).contains("listening"));
        }

        /** The mode for the next requests; written atomically (the provider reads it on every request). */
        void mode(String mode) throws IOException {
            Path tmp = modeFile.resolveSibling("dyndns2.mode.tmp");
            Files.writeString(tmp, mode + "\n");
            Files.move(tmp, modeFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }

        List<Update> updates() {
            return read(updates).lines().map(l -> l.split(" ")).filter(w -> w.length == 4)
                    .map(w -> new Update(Long.parseLong(w[0]), w[1], w[2], w[3])).toList();
        }

        /** Requests received in [from, to] (any mode). */
        List<Request> requests(long from, long to) {
            return read(requests).lines().map(l -> l.split(" ")).filter(w -> w.length == 4)
                    .map(w -> new Request(Long.parseLong(w[0]), w[1], w[2], w[3]))
                    .filter(r -> r.millis() >= from && r.millis() <= to).toList();
        }

        /** The address the provider holds for {@code host}: the last update's. */
        String holds(String host) {
            List<Update> u = updates().stream().filter(x -> x.host().equals(host)).toList();
            return u.isEmpty() ? null : u.get(u.size() - 1).ip();
        }

        private static String read(Path p) {
            try {
                return Files.readString(p);
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
