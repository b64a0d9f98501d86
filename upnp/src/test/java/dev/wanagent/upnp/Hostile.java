package dev.wanagent.upnp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a hostile or broken LAN device sends, and what the module may say about it. */
final class Hostile {
    /** Longest message (or router text kept in a value) a refusal may produce. */
    static final int MAX_MESSAGE = 1024;
    static final String FORGED_LOG_LINE = "\r\n[main] INFO dev.wanagent.agent.Agent - DNS updated to 6.6.6.6";
    static final String BIG = "A".repeat(300 * 1024);

    private Hostile() {
    }

    /** Short text with the characters that break logs and parsers, or plain junk, or 300 KB. */
    static Arbitrary<String> text() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.strings().ofMaxLength(40)),
                Tuple.of(3, Arbitraries.strings().withChars("\r\n\t\u0000\u001b\u0085\u2028<>&;:/ .%x0aZ")
                        .ofMaxLength(40)),
                Tuple.of(3, Arbitraries.of(FORGED_LOG_LINE, "\u0000", "\r", "\n", " ", "", "\u001b[2J",
                        "\u2028forged", "\ud800", "\uffff", "714\r\n[main] WARN forged", "&#10;", "&#0;",
                        "&#13;&#10;forged", "&lt;&amp;", "<![CDATA[\nforged]]>", "%0d%0a", "..:", ".:")),
                Tuple.of(1, Arbitraries.just(BIG)));
    }

    /** {@code text()} made safe to put between XML tags (so the document stays well-formed, mostly). */
    static Arbitrary<String> xmlText() {
        return text().map(Hostile::escapeXml);
    }

    static String escapeXml(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '<') b.append("&lt;");
            else if (c == '&' && !s.startsWith("&#")) b.append("&amp;");
            else if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') b.append("&#").append((int) c).append(';');
            else b.append(c);
        }
        return b.toString();
    }

    /** Ways to wreck a well-formed document: DOCTYPE tricks, encodings, NULs, truncation, size. */
    static Arbitrary<byte[]> wrecked(String document) {
        byte[] utf8 = document.getBytes(StandardCharsets.UTF_8);
        String body = document.replaceFirst("^<\\?xml[^>]*\\?>", "");
        return Arbitraries.oneOf(
                Arbitraries.just(("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                        + body.replaceFirst(">", ">&x;")).getBytes(StandardCharsets.UTF_8)),
                Arbitraries.just(("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"http://192.168.77.66/x\">]>"
                        + body).getBytes(StandardCharsets.UTF_8)),
                Arbitraries.just(billionLaughs().getBytes(StandardCharsets.UTF_8)),
                Arbitraries.just(("<?xml version=\"1.0\"?>" + body.replaceFirst(">", ">" + BIG))
                        .getBytes(StandardCharsets.UTF_8)),
                Arbitraries.just(("<?xml version=\"1.0\"?><" + "a".repeat(300_000) + "/>")
                        .getBytes(StandardCharsets.UTF_8)),
                Arbitraries.just(("<?xml version=\"1.0\" encoding=\"" + "x".repeat(5000) + "\"?>" + body)
                        .getBytes(StandardCharsets.UTF_8)),
                Arbitraries.just(("<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + body)
                        .getBytes(StandardCharsets.UTF_16)),
                Arbitraries.just(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + body + "\u00e9\u00ff")
                        .getBytes(StandardCharsets.ISO_8859_1)),
                Arbitraries.just(("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + body)
                        .getBytes(StandardCharsets.ISO_8859_1)),
                Arbitraries.integers().between(0, utf8.length).map(n -> insert(utf8, n, new byte[] {0})),
                Arbitraries.integers().between(0, utf8.length).map(n -> insert(utf8, n, new byte[] {(byte) 0xc3})),
                Arbitraries.integers().between(0, utf8.length).map(n -> insert(utf8, n, new byte[] {(byte) 0xed,
                        (byte) 0xa0, (byte) 0x80})),
                Arbitraries.integers().between(0, utf8.length).map(n -> java.util.Arrays.copyOf(utf8, n)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(600));
    }

    private static byte[] insert(byte[] doc, int at, byte[] what) {
        byte[] out = new byte[doc.length + what.length];
        System.arraycopy(doc, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(doc, at, out, at + what.length, doc.length - at);
        return out;
    }

    static String billionLaughs() {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i < 10; i++) {
            b.append("<!ENTITY lol").append(i).append(" \"");
            for (int j = 0; j < 10; j++) b.append("&lol").append(i - 1).append(';');
            b.append("\">");
        }
        return b.append("]><root>&lol9;</root>").toString();
    }

    /**
     * Runs one parse with a time limit (a hang fails the property) and gives what it returned or the exception it
     * threw; an unchecked exception fails the property.
     */
    static Object quickly(Callable<?> parse) {
        Object outcome = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try {
                return parse.call();
            } catch (Exception e) {
                return e;
            }
        });
        if (outcome instanceof RuntimeException e) throw new AssertionError("unchecked exception escaped: " + e, e);
        return outcome;
    }

    /** A message that names a problem: not blank, bounded, one line, no control characters. */
    static void assertCleanMessage(Throwable e) {
        assertNotNull(e.getMessage(), () -> e.getClass().getName() + " without a message");
        assertCleanText(e.getMessage());
        assertFalse(e.getMessage().isBlank(), "blank message");
    }

    /** Router text as kept or shown: bounded, with no character that could break a log line. */
    static void assertCleanText(String s) {
        assertTrue(s.length() <= MAX_MESSAGE, () -> "over " + MAX_MESSAGE + " chars: " + s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int at = i;
            assertFalse(Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                    || Character.isSurrogate(c), () -> String.format("character U+%04X at %d in: %s", (int) c, at,
                    s.substring(0, Math.min(200, s.length())).replaceAll("[^\\x20-\\x7e]", "?")));
        }
    }
}
