package dev.wanagent.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command-line contract that needs no router: usage, exit codes, config errors. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .execute(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpAndVersion() {
        assertEquals(0, run("--help"));
        assertTrue(out().contains("usage: wan-agent COMMAND -c FILE"), out());
        assertTrue(out().contains("wan-ip"));
        assertEquals(0, run("--version"));
        assertTrue(out().contains("wan-agent "));
    }

    @Test
    void badUsageExitsTwoWithUsageOnStderr() {
        assertEquals(2, run());
        assertTrue(err().startsWith("wan-agent: no command given"), err());
        assertTrue(err().contains("usage:"));
        assertEquals(2, run("frobnicate", "-c", "x.yaml"));
        assertTrue(err().contains("unknown command 'frobnicate'"));
        assertEquals(2, run("once"));
        assertTrue(err().contains("once needs -c FILE"));
        assertEquals(2, run("wan-ip", "-c", "x.yaml", "--source", "carrier-pigeon"));
        assertTrue(err().contains("--source must be upnp, snmp"), err());
        assertEquals(2, run("once", "-c", "x.yaml", "--source", "upnp"));
        assertEquals(2, run("once", "-c", "x.yaml", "--bogus"));
        assertTrue(err().contains("Unrecognized option: --bogus"), err());
        assertEquals("", out());
    }

    @Test
    void configWithATypoIsAClearFailure(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "mappings:\n  - name: web\n    externalPort: 8080\n    internalPrt: 80\n");
        assertEquals(1, run("check", "-c", cfg.toString()));
        assertEquals("wan-agent: config " + cfg + " is not usable:\n"
                + "  mappings[0].internalPrt: unknown key (did you mean 'internalPort'?); known keys here: name,"
                + " externalPort, internalPort, protocol, internalClient, leaseSeconds, force\n", err());
    }

    @Test
    void missingConfigFile(@TempDir Path dir) {
        assertEquals(1, run("once", "-c", dir.resolve("none.yaml").toString()));
        assertTrue(err().contains("none.yaml: no such file"), err());
    }

    @Test
    void statusReportsAnInvalidStateFileAndLeavesItAsItIs(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "router: {upnp: {enabled: false}, snmp: {enabled: true, host: 192.168.1.1,"
                + " community: public}}\nstateDir: " + dir + "\n");
        String bad = "{\"records\":[{}]}";
        Files.writeString(dir.resolve(StateStore.FILE_NAME), bad);
        assertEquals(1, run("status", "-c", cfg.toString()));
        assertTrue(out().contains("records[0].provider: missing"), out());
        assertTrue(out().contains("left as it is"), out());
        assertEquals(bad, Files.readString(dir.resolve(StateStore.FILE_NAME)), "a read-only command changes nothing");
    }

    @Test
    void statusShowsTheHaRoleAsTheRunningAgentRecordedIt(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "router: {upnp: {enabled: false}, snmp: {enabled: true, host: 192.168.1.1,"
                + " community: public}}\nstateDir: " + dir + "\n");
        Files.writeString(dir.resolve(StateStore.FILE_NAME), """
                {"version":1,"wanAddress":"11.22.33.44","wanSource":"upnp","wanSeenAt":"2026-11-25T10:00:00Z",
                 "ha":{"role":"standby","takeovers":2,"lastTakeover":"2026-11-25T09:00:00Z",
                       "recordedAt":"2026-11-25T10:00:01Z","holders":{"web":"192.168.77.100","rdp":null}},
                 "records":[]}""");
        assertEquals(0, run("status", "-c", cfg.toString()));
        assertEquals("""
                wan 11.22.33.44 (upnp, seen 2026-11-25T10:00:00Z)
                ha standby, recorded 2026-11-25T10:00:01Z: 2 takeover(s), the last at 2026-11-25T09:00:00Z
                ha mapping web: held by 192.168.77.100
                ha mapping rdp: free
                no DNS record pushed yet (state in %s)
                """.formatted(dir), out());

        out.reset();
        Files.writeString(dir.resolve(StateStore.FILE_NAME), """
                {"ha":{"role":"single","takeovers":0,"recordedAt":"2026-11-25T10:00:01Z","holders":{"web":"192.168.77.100"}}}""");
        run("status", "-c", cfg.toString());
        assertTrue(out().contains("ha single (the router grants only permanent leases: HA cannot work, this host keeps"
                + " the mappings alone), recorded 2026-11-25T10:00:01Z: no takeover yet\n"), out());

        // a hostile HA part: named, exit 1, no stack trace, the file left as it is
        out.reset();
        String bad = "{\"ha\":{\"role\":\"leader\",\"takeovers\":0,\"recordedAt\":\"2026-11-25T10:00:01Z\"}}";
        Files.writeString(dir.resolve(StateStore.FILE_NAME), bad);
        assertEquals(1, run("status", "-c", cfg.toString()));
        assertTrue(out().contains("is not a valid state file: ha.role: not active, standby or single (left as it is"),
                out());
        assertTrue(!out().contains("Exception") && !err().contains("Exception"), out() + err());
        assertEquals(bad, Files.readString(dir.resolve(StateStore.FILE_NAME)));
    }

    @Test
    void onePrintedLineIsOneLineOnTheScreen() {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        try (Printer p = new Printer(screen)) {
            p.println("mapping web: the router said 'x\n2026-11-25 [INFO] forged line\r\u001b[2J'");
            p.println("y".repeat(Printer.MAX_LINE + 50));
        }
        String[] lines = screen.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertEquals(3, lines.length, "two lines and the final newline");
        assertEquals("mapping web: the router said 'x\\n2026-11-25 [INFO] forged line\\r\\x1b[2J'", lines[0]);
        assertTrue(lines[1].endsWith("… (50 more characters)"), lines[1]);
        assertEquals(Printer.MAX_LINE + " … (50 more characters)".length(), lines[1].length());
    }
}
