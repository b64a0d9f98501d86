package dev.wanagent.config;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.net.InetAddress;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IpLiteral against any text: it never throws, and text with a letter that is no hex digit is never an address. */
class IpLiteralPropertyTest {

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> near = Arbitraries.strings().withChars("0123456789abcdefABCDEF:.[]%").ofMaxLength(50);
        Arbitrary<String> groups = Arbitraries.strings().withChars("0123456789abcdef").ofMinLength(0).ofMaxLength(5)
                .list().ofMinSize(1).ofMaxSize(10).map(l -> String.join(":", l));
        Arbitrary<String> quads = Arbitraries.integers().between(0, 300).list().ofSize(4)
                .map(l -> l.stream().map(String::valueOf).reduce((a, b) -> a + "." + b).orElse(""));
        Arbitrary<String> mixed = Combinators.combine(groups, quads).as((g, q) -> g + ":" + q);
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(60);
        Arbitrary<String> huge = Arbitraries.strings().withChars("0123456789:.").ofMinLength(40).ofMaxLength(5000);
        Arbitrary<String> withALetter = Combinators.combine(near, Arbitraries.chars().range('g', 'z').range('G', 'Z'),
                        Arbitraries.integers().between(0, 50))
                .as((t, letter, at) -> t.substring(0, Math.min(at, t.length())) + letter
                        + t.substring(Math.min(at, t.length())));
        return Arbitraries.oneOf(near, groups, quads, mixed, any, huge, withALetter);
    }

    @Property(tries = 2000)
    void parsingNeverThrowsAndNeverTakesAName(@ForAll("texts") String text) {
        Optional<InetAddress> a = IpLiteral.parse(text);
        Optional<InetAddress> host = IpLiteral.parseHost(text);
        Optional<? extends InetAddress> v4 = IpLiteral.ipv4(text);
        boolean letter = text.chars().anyMatch(c -> Character.isLetter(c) && "abcdefABCDEF".indexOf(c) < 0);
        if (letter) {
            assertTrue(a.isEmpty() && host.isEmpty() && v4.isEmpty(), text);
        }
        if (a.isPresent()) {
            assertTrue(text.length() <= IpLiteral.MAX_LENGTH && text.matches("[0-9A-Fa-f:.]+"), text);
            // the same text read twice is the same address; and the address's own text reads back to it
            assertEquals(a, IpLiteral.parse(text));
            assertEquals(a, IpLiteral.parse(a.get().getHostAddress()));
            assertEquals(a, host);
        }
        v4.ifPresent(x -> assertEquals(text, x.getHostAddress()));
    }
}
