package dev.wanagent.upnp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Empty, truncated, huge and control-character outputs: no exception, a bounded clean reason. */
class RouteOutputHostileTest {
    private static final String[] WINDOWS = {"windows-en-tap-hyperv.txt", "windows-de-split-vpn.txt",
            "windows-fr-wintun.txt", "windows-en-hyperv-external.txt", "windows-en-ppp-only.txt"};
    private static final String[] MAC_GET = {"mac-route-get-en0.txt", "mac-route-get-utun.txt",
            "mac-route-get-split.txt"};
    private static final String[] MAC_NETSTAT = {"mac-netstat-utun.txt", "mac-netstat-catalina.txt"};
    private static final Set<String> GATEWAYS = Set.of("192.168.1.1", "10.8.0.1", "192.168.178.1", "192.168.1.254",
            "192.168.0.1", "10.64.0.1", "192.168.8.1");

    /** Parses {@code text} every way there is, within 5 s, and checks the answers; no exception may escape. */
    static void parseAllWays(String text) {
        Hostile.quickly(() -> {
            parseAllWaysNow(text);
            return null;
        });
    }

    private static void parseAllWaysNow(String text) {
        for (Optional<String> nic : List.of(Optional.<String>empty(), Optional.of("en0"), Optional.of("10.8.0.6"))) {
            check(WindowsRoutes.choose(WindowsRoutes.defaultRoutes(text), a -> Optional.empty(), nic));
            check(MacRoutes.choose(MacRoutes.defaultGateway(text), MacRoutes.defaultGateways(text), nic));
        }
        DefaultGateway.fromProcNetRoute(List.of(text.split("\n", 200)), Optional.empty());
    }

    private static void check(DefaultGateway.Found f) {
        Hostile.assertCleanText(f.explanation());
        assertTrue(f.gateway().isPresent() || !f.explanation().isBlank(), "an empty answer says why");
        assertTrue(f.explanation().length() <= 601, f.explanation());
    }

    @Test
    void emptyAndBlank() {
        for (String s : new String[] {"", " ", "\r\n", "\n\n\n", "\u0000", "\t"}) {
            parseAllWays(s);
            assertEquals(List.of(), WindowsRoutes.defaultRoutes(s));
            assertEquals(Optional.empty(), MacRoutes.defaultGateway(s));
            assertEquals(List.of(), MacRoutes.defaultGateways(s));
        }
    }

    @Test
    void everyTruncationOfEveryRecordedOutput() {
        for (String[] files : new String[][] {WINDOWS, MAC_GET, MAC_NETSTAT}) {
            for (String name : files) {
                String full = RouteOutputs.text(name);
                Hostile.quickly(() -> {
                    for (int cut = 0; cut <= full.length(); cut += 3) {
                        String part = full.substring(0, cut);
                        parseAllWaysNow(part);
                        for (WindowsRoutes.Route r : WindowsRoutes.defaultRoutes(part)) {
                            r.gateway().ifPresent(g -> assertTrue(GATEWAYS.contains(g.getHostAddress()),
                                    name + ": " + g));
                        }
                        for (MacRoutes.Route r : MacRoutes.defaultGateways(part)) {
                            assertTrue(GATEWAYS.contains(r.gateway().getHostAddress()), name + ": " + r);
                        }
                    }
                    return null;
                });
            }
        }
    }

    @Test
    void aMegabyteOfJunk() {
        Random random = new Random(42);
        byte[] bytes = new byte[1 << 20];
        random.nextBytes(bytes);
        parseAllWays(new String(bytes, StandardCharsets.ISO_8859_1));
        parseAllWays("0.0.0.0 ".repeat(1 << 17)); // one endless line
        parseAllWays("\n".repeat(1 << 20));
        parseAllWays("default 1.2.3.4 UGS en0\r".repeat(1 << 15));
        String rows = "          0.0.0.0          0.0.0.0      192.168.1.1    192.168.1.100     25\r\n".repeat(14_000);
        List<WindowsRoutes.Route> routes = WindowsRoutes.defaultRoutes(rows);
        assertEquals(WindowsRoutes.MAX_ROUTES, routes.size(), "bounded");
        parseAllWays(rows);
    }

    @Test
    void controlCharactersAndForgedLines() {
        String en = RouteOutputs.text("windows-en-tap-hyperv.txt");
        parseAllWays(en.replace(' ', '\u0000'));
        parseAllWays(en.replace("\r\n", "\u001b[2J\r\n"));
        parseAllWays(en.replace("192.168", "\u0661\u0669\u0662.168")); // Arabic-Indic digits are no digits
        assertEquals(List.of(), WindowsRoutes.defaultRoutes(en.replace("192.168", "\u0661\u0669\u0662.168")
                .replace("10.8.0", "\uff11\uff10.8.0")));
        // a description with a line break and an escape sequence cannot forge a log line
        DefaultGateway.Found f = WindowsRoutes.choose(WindowsRoutes.defaultRoutes(en), a -> Optional.of(
                new WindowsRoutes.Adapter("eth0", "NIC\r\n[main] INFO forged \u001b[2J" + "x".repeat(5000), false)),
                Optional.empty());
        Hostile.assertCleanText(f.explanation());
        String mac = RouteOutputs.text("mac-netstat-utun.txt");
        parseAllWays(mac.replace("en0", "en0\u0000"));
        parseAllWays(mac.replace("\n", "\r"));
        assertEquals(3, MacRoutes.defaultGateways(mac.replace("\n", "\r")).size(), "a lone CR ends a line too");
    }
}
