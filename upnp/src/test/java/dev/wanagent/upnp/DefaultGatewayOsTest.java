package dev.wanagent.upnp;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DefaultGateway.find on Windows and macOS with recorded command outputs: which commands run, and the answer. */
class DefaultGatewayOsTest {

    /** Answers commands from a table and records what was run. */
    static final class Recorded implements DefaultGateway.Host {
        final Map<List<String>, OsCommand.Result> answers = new HashMap<>();
        final Map<String, String> env = new HashMap<>();
        final Map<String, WindowsRoutes.Adapter> adapters = new HashMap<>();
        final List<List<String>> ran = new ArrayList<>();

        @Override
        public OsCommand.Result run(List<String> command) {
            ran.add(command);
            return answers.getOrDefault(command, OsCommand.Result.failed("cannot run " + command.get(0)
                    + ": IOException: CreateProcess error=2, The system cannot find the file specified"));
        }

        @Override
        public Optional<WindowsRoutes.Adapter> windowsAdapter(Inet4Address address) {
            return Optional.ofNullable(adapters.get(address.getHostAddress()));
        }

        @Override
        public String env(String name) {
            return env.get(name);
        }
    }

    private static final List<String> ROUTE_EXE = List.of("C:\\WINDOWS\\System32\\route.exe", "print", "-4");

    @Test
    void windowsRunsRouteExeFromSystemRootAndSkipsTheVpn() {
        Recorded host = new Recorded();
        host.env.put("SystemRoot", "C:\\WINDOWS");
        host.answers.put(ROUTE_EXE, new OsCommand.Result(
                RouteOutputs.asWindowsPipeDelivers("windows-en-tap-hyperv.txt", "IBM437"), Optional.empty()));
        host.adapters.put("10.8.0.6", new WindowsRoutes.Adapter("eth5", "TAP-Windows Adapter V9", false));
        DefaultGateway.Found f = DefaultGateway.find("Windows 11", Optional.empty(), host);
        assertEquals("192.168.1.1", f.gateway().orElseThrow().getHostAddress(), f.explanation());
        assertEquals(List.of(ROUTE_EXE), host.ran);
    }

    @Test
    void windowsNeverTakesRouteExeFromAnOddSystemRoot() {
        for (String odd : new String[] {"", "route", "C:\\Windows\" & calc", "\\\\evil\\share", "C:\\Win\ndows"}) {
            Recorded host = new Recorded();
            host.env.put("SystemRoot", odd);
            assertEquals(List.of("C:\\Windows\\System32\\route.exe", "print", "-4"), DefaultGateway.windowsCommand(host));
        }
        assertEquals(List.of("C:\\Windows\\System32\\route.exe", "print", "-4"),
                DefaultGateway.windowsCommand(new Recorded()));
    }

    @Test
    void windowsCommandFailureIsAReasonNotAnException() {
        Recorded host = new Recorded();
        DefaultGateway.Found f = DefaultGateway.find("Windows Server 2022", Optional.empty(), host);
        assertTrue(f.gateway().isEmpty());
        assertEquals("route print lists no active 0.0.0.0/0 route (cannot run C:\\Windows\\System32\\route.exe:"
                + " IOException: CreateProcess error=2, The system cannot find the file specified)", f.explanation());
        Hostile.assertCleanText(f.explanation());
    }

    @Test
    void windowsTimeoutWithPartialOutputStillAnswers() {
        Recorded host = new Recorded();
        String out = RouteOutputs.text("windows-de-split-vpn.txt");
        host.answers.put(List.of("C:\\Windows\\System32\\route.exe", "print", "-4"), new OsCommand.Result(
                out.substring(0, out.indexOf("Ständige")), Optional.of("route.exe did not finish within 3000 ms")));
        assertEquals("192.168.178.1", DefaultGateway.find("Windows 10", Optional.empty(), host).gateway()
                .orElseThrow().getHostAddress());
    }

    @Test
    void macOsAsksNetstatOnlyWhenRouteGetIsNotEnough() {
        Recorded host = new Recorded();
        host.answers.put(DefaultGateway.MAC_ROUTE_GET,
                new OsCommand.Result(RouteOutputs.text("mac-route-get-en0.txt"), Optional.empty()));
        DefaultGateway.Found f = DefaultGateway.find("Mac OS X", Optional.empty(), host);
        assertEquals("192.168.1.1", f.gateway().orElseThrow().getHostAddress());
        assertEquals(List.of(List.of("/sbin/route", "-n", "get", "default")), host.ran);

        host = new Recorded();
        host.answers.put(DefaultGateway.MAC_ROUTE_GET,
                new OsCommand.Result(RouteOutputs.text("mac-route-get-utun.txt"), Optional.empty()));
        host.answers.put(DefaultGateway.MAC_NETSTAT,
                new OsCommand.Result(RouteOutputs.text("mac-netstat-utun.txt"), Optional.empty()));
        f = DefaultGateway.find("Mac OS X", Optional.empty(), host);
        assertEquals("192.168.1.1", f.gateway().orElseThrow().getHostAddress());
        assertEquals(List.of(List.of("/sbin/route", "-n", "get", "default"),
                List.of("/usr/sbin/netstat", "-rn", "-f", "inet")), host.ran);
    }

    @Test
    void macOsWithoutADefaultRouteSaysWhy() {
        Recorded host = new Recorded();
        host.answers.put(DefaultGateway.MAC_ROUTE_GET, new OsCommand.Result("", Optional.of("/sbin/route exited with"
                + " status 1")));
        host.answers.put(DefaultGateway.MAC_NETSTAT, new OsCommand.Result("Routing tables\n\nInternet:\n",
                Optional.empty()));
        DefaultGateway.Found f = DefaultGateway.find("Mac OS X", Optional.of("en0"), host);
        assertTrue(f.gateway().isEmpty());
        assertEquals("neither route -n get default nor netstat -rn shows a default route with an IPv4 gateway"
                + " (/sbin/route exited with status 1)", f.explanation());
    }
}
