package dev.wanagent.upnp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.net.Inet4Address;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Route command outputs, arbitrary or shaped like the real ones: parsing never throws, answers stay sane. */
class RoutesPropertyTest {
    private static final String[] RECORDED = {"windows-en-tap-hyperv.txt", "windows-de-split-vpn.txt",
            "windows-fr-wintun.txt", "windows-en-hyperv-external.txt", "windows-en-ppp-only.txt",
            "mac-route-get-en0.txt", "mac-route-get-utun.txt", "mac-route-get-split.txt", "mac-netstat-utun.txt",
            "mac-netstat-catalina.txt"};

    /** Words route tables are made of, and words that look like them. */
    private static Arbitrary<String> word() {
        Arbitrary<String> ip = Arbitraries.integers().between(0, 256).list().ofSize(4)
                .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.of("0.0.0.0", "128.0.0.0", "255.255.255.255", "On-link", "Auf",
                        "Verbindung", "default", "UGScg", "UGScIg", "UCS", "en0", "utun4", "link#6", "Netif",
                        "Destination", "destination:", "mask:", "gateway:", "interface:", "default", "Internet6:",
                        "Standard", "Par", "défaut", "\u0000", "\u001b[2J", "-1", "00", "4294967296")),
                net.jqwik.api.Tuple.of(3, ip),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 100_000).map(String::valueOf)),
                net.jqwik.api.Tuple.of(1, Hostile.text()));
    }

    @Provide
    Arbitrary<String> outputs() {
        Arbitrary<String> sep = Arbitraries.of(" ", "  ", "\t", "      ", ":", " : ");
        Arbitrary<String> line = Combinators.combine(word().list().ofMaxSize(8), sep)
                .as((words, s) -> String.join(s, words));
        Arbitrary<String> eol = Arbitraries.of("\r\n", "\n", "\r");
        Arbitrary<String> shaped = Combinators.combine(line.list().ofMaxSize(30), eol).as((l, e) -> String.join(e, l));
        Arbitrary<String> recorded = Arbitraries.of(RECORDED).map(RouteOutputs::text);
        Arbitrary<String> mutated = Combinators.combine(recorded, Arbitraries.integers().between(0, 4000),
                Hostile.text(), Arbitraries.integers().between(0, 4000)).as((r, at, junk, cut) -> {
                    int i = Math.min(at, r.length());
                    String s = r.substring(0, i) + junk + r.substring(i);
                    return s.substring(0, Math.min(s.length(), cut + i));
                });
        return Arbitraries.oneOf(Hostile.text(), shaped, mutated, Arbitraries.strings().ofMaxLength(300));
    }

    @Property(tries = 400)
    void parsingArbitraryTextNeverThrows(@ForAll("outputs") String text,
                                         @ForAll("interfaces") Optional<String> networkInterface) {
        DefaultGateway.Found w = (DefaultGateway.Found) Hostile.quickly(() -> WindowsRoutes.choose(
                WindowsRoutes.defaultRoutes(text), a -> Optional.of(new WindowsRoutes.Adapter(text.length() > 20
                        ? text.substring(0, 20) : text, text, text.isEmpty())), networkInterface));
        DefaultGateway.Found m = (DefaultGateway.Found) Hostile.quickly(() -> MacRoutes.choose(
                MacRoutes.defaultGateway(text), MacRoutes.defaultGateways(text), networkInterface));
        for (DefaultGateway.Found f : List.of(w, m)) {
            Hostile.assertCleanText(f.explanation());
            assertTrue(f.gateway().isPresent() || !f.explanation().isBlank());
            f.gateway().ifPresent(g -> assertTrue(g instanceof Inet4Address));
        }
        assertTrue(WindowsRoutes.defaultRoutes(text).size() <= WindowsRoutes.MAX_ROUTES);
        assertTrue(MacRoutes.defaultGateways(text).size() <= MacRoutes.MAX_ROUTES);
    }

    @Provide
    Arbitrary<Optional<String>> interfaces() {
        return Arbitraries.oneOf(Arbitraries.just(Optional.empty()),
                Arbitraries.of("en0", "utun4", "192.168.1.100", "10.8.0.6", "eth2", "").map(Optional::of),
                Hostile.text().map(Optional::of));
    }
}
