package dev.wanagent.ddns;

import dev.wanagent.config.Dyndns2ProviderConfig;
import dev.wanagent.config.Secret;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.InetAddress;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.wanagent.ddns.AnswerArbitraries.utf8;
import static dev.wanagent.ddns.ProviderTests.assertFit;
import static dev.wanagent.ddns.ProviderTests.common;
import static dev.wanagent.ddns.ScriptedAnswers.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * dyndns2 against any answer body (arbitrary lines, mixed good/nochg/badauth/garbage, many hosts, huge bodies,
 * control characters, bytes that are not UTF-8) and any status, through the real provider and HTTP client.
 */
class Dyndns2AnswersPropertyTest {
    private static final ScriptedServer SERVER = new ScriptedServer();
    private static final String SENT = "11.22.33.44";
    private static final Pattern IPV4 = Pattern.compile(
            "(?<![0-9A-Fa-f:.])(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})(?![0-9A-Fa-f:.])");
    /** How {@link ProviderText#shown} escapes a character: its hex digits must not join an address next to it. */
    private static final Pattern ESCAPE = Pattern.compile("\\\\(?:[nrt\\\\]|u[0-9A-F]{4}|u\\{[0-9A-F]+})");

    @BeforeContainer
    static void start() throws Exception {
        SERVER.start();
    }

    @AfterContainer
    static void stop() {
        SERVER.close();
    }

    @Provide
    Arbitrary<String> lines() {
        Arbitrary<String> code = Arbitraries.of("good", "nochg", "GOOD", "Nochg", "badauth", "nohost", "notfqdn",
                "badagent", "!donator", "!yours", "numhost", "abuse", "911", "dnserr", "goodness", "<html>", "");
        Arbitrary<String> address = Arbitraries.of("", " " + SENT, " 1.2.3.4", " 127.0.0.1", " " + SENT + ",1.2.3.4",
                " 2a00:1450::1", " 011.022.033.044", " 1.2.3", " 999.1.1.1", " not-an-address.example", " " + SECRET,
                " " + SENT + " " + SECRET, "\t" + SENT, " " + "1.2.3.4 ".repeat(20));
        return Arbitraries.frequencyOf(
                Tuple.of(8, Combinators.combine(code, address).as((c, a) -> c + a)),
                Tuple.of(2, AnswerArbitraries.texts("good", "nochg", "badauth", SENT)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(80)),
                Tuple.of(1, AnswerArbitraries.hugeTexts()));
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<String> separator = Arbitraries.of("\n", "\r\n", "\r", " \n\n", "\u0085", "\u2028");
        Arbitrary<String> text = Combinators.combine(lines().list().ofMaxSize(25), separator)
                .as((ls, sep) -> String.join(sep, ls));
        // one line repeated up to about 150 000 characters: past the 64 KiB the provider reads
        Arbitrary<String> huge = Combinators.combine(lines(), Arbitraries.integers().between(1_000, 6_000))
                .as((l, n) -> (l + "\n").repeat(Math.min(n, 150_000 / (l.length() + 1) + 1)));
        return Arbitraries.frequencyOf(
                Tuple.of(10, text.map(AnswerArbitraries::utf8)),
                Tuple.of(1, huge.map(AnswerArbitraries::utf8)),
                Tuple.of(2, AnswerArbitraries.rawBytes()));
    }

    @Provide
    Arbitrary<ScriptedAnswers.Answer> answers() {
        return Combinators.combine(AnswerArbitraries.statuses(), AnswerArbitraries.headers(), bodies())
                .as(ScriptedAnswers.Answer::new);
    }

    @Provide
    Arbitrary<String> secrets() {
        return AnswerArbitraries.secrets();
    }

    @Property(tries = 400)
    void everyHostGetsAFitOutcome(@ForAll("answers") ScriptedAnswers.Answer answer,
                                  @ForAll("secrets") String password,
                                  @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 30) int hostCount)
            throws Exception {
        List<String> hosts = IntStream.range(0, hostCount).mapToObj(i -> "h" + i + ".example.net").toList();
        SERVER.play(List.of(answer), password);
        Dyndns2Provider p = new Dyndns2Provider(new Dyndns2ProviderConfig(common(hosts), SERVER.url("/").uri(),
                "me@example.com", new Secret(password), false), SERVER.http());
        Map<String, UpdateOutcome> out = p.update(hosts, InetAddress.getByName(SENT));
        String basic = Base64.getEncoder().encodeToString(("me@example.com:" + password).getBytes());
        assertFit(out, hosts, password, basic);
        for (UpdateOutcome o : out.values()) {
            if (o.kind() != UpdateOutcome.Kind.SUCCESS) continue;
            // a success is a 200 answer whose line says good or nochg, and names no other address than the one sent
            assertEquals(200, answer.code());
            // (the detail shows the line escaped: a tab after the code is a backslash and t there)
            Matcher first = Pattern.compile("^[!A-Za-z0-9]*").matcher(o.detail());
            String code = first.find() ? first.group().toLowerCase(Locale.ROOT) : "";
            assertTrue(code.equals("good") || code.equals("nochg"), o.detail());
            List<String> named = addresses(ESCAPE.matcher(o.detail()).replaceAll(" "));
            assertTrue(named.isEmpty() || named.contains(SENT), o.detail());
        }
    }

    /** The dotted quads in {@code text} that are IPv4 addresses. */
    private static List<String> addresses(String text) {
        Matcher m = IPV4.matcher(text);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            String a = m.group(1);
            boolean valid = java.util.Arrays.stream(a.split("\\.")).allMatch(o -> o.length() == 1
                    || (!o.startsWith("0") && Integer.parseInt(o) <= 255));
            if (valid) out.add(a);
        }
        return out;
    }

    @Property(tries = 300)
    void classifyingNeverThrowsAndKeepsThePasswordOut(@ForAll("bodies") byte[] body,
                                                      @ForAll("secrets") String password,
                                                      @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 40)
                                                      int hostCount) throws Exception {
        List<String> hosts = IntStream.range(0, hostCount).mapToObj(i -> "h" + i + ".example.net").toList();
        String text = new String(ScriptedAnswers.withSecret(body, password), java.nio.charset.StandardCharsets.UTF_8);
        Map<String, UpdateOutcome> out = Dyndns2Provider.classifyAnswer(hosts, InetAddress.getByName(SENT), text,
                password);
        assertFit(out, hosts, password);
        assertFalse(out.values().stream().map(UpdateOutcome::detail).collect(Collectors.joining()).contains(password));
    }
}
