package dev.wanagent.ddns;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ProviderText#shown} on any text: bounded, printable, and no secret left in it wherever it sat. */
class ProviderTextPropertyTest {
    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(600),
                Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(3000),
                Arbitraries.strings().withChars("\\\n\r\t\u001b\u202e\u2028\ud800\udc00 a").ofMaxLength(400));
    }

    @Provide
    Arbitrary<List<String>> secrets() {
        return Arbitraries.oneOf(AnswerArbitraries.secrets(), Arbitraries.strings().all().ofMinLength(1).ofMaxLength(12))
                .list().ofMaxSize(3);
    }

    @Property(tries = 500)
    void shownIsAlwaysFitForALogLine(@ForAll("texts") String text, @ForAll("secrets") List<String> secrets,
                                     @ForAll @IntRange(max = 3000) int at) {
        // each secret echoed somewhere in the text
        String echoed = text;
        for (String s : secrets) {
            int i = Math.min(at, echoed.length());
            echoed = echoed.substring(0, i) + s + echoed.substring(i);
        }
        String shown = ProviderText.shown(echoed, secrets.toArray(String[]::new));
        assertTrue(shown.length() <= ProviderText.MAX_CHARS + 1, shown);
        ProviderTests.assertFit(UpdateOutcome.success(shown),
                secrets.stream().filter(s -> s.length() >= 8 && !s.contains("*")).toArray(String[]::new));
    }
}
