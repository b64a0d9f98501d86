package dev.wanagent.ddns;

import dev.wanagent.config.ProviderCommon;
import mockwebserver3.MockResponse;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the provider tests share. */
final class ProviderTests {
    /** The longest detail: our own words around at most one capped piece of provider text. */
    static final int MAX_DETAIL = 2 * ProviderText.MAX_CHARS;

    private ProviderTests() {
    }

    static ProviderCommon common(List<String> hostnames) {
        return new ProviderCommon(hostnames, false, ProviderCommon.DEFAULT_FORCE_REFRESH);
    }

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body).build();
    }

    /**
     * What every update must give, whatever the provider answered: an outcome for each hostname in order, and
     * details fit for a log line (see {@link #assertFit(UpdateOutcome, String...)}).
     */
    static void assertFit(Map<String, UpdateOutcome> out, List<String> hostnames, String... secrets) {
        assertNotNull(out);
        assertEquals(hostnames, List.copyOf(out.keySet()));
        for (UpdateOutcome o : out.values()) assertFit(o, secrets);
    }

    /** A non-blank detail unless SUCCESS, bounded, printable, and without any of {@code secrets}. */
    static void assertFit(UpdateOutcome o, String... secrets) {
        assertNotNull(o);
        assertNotNull(o.kind());
        assertNotNull(o.detail());
        assertNotNull(o.retryAfter());
        String d = o.detail();
        if (o.kind() != UpdateOutcome.Kind.SUCCESS) assertFalse(d.isBlank(), "blank detail for " + o.kind());
        assertTrue(d.length() <= MAX_DETAIL, "detail of " + d.length() + " characters");
        d.codePoints().forEach(cp -> assertTrue(printable(cp),
                "detail has U+" + Integer.toHexString(cp) + ": " + d.replaceAll("\\p{Cntrl}", "?")));
        for (String s : secrets) assertFalse(d.contains(s), "detail shows a secret (test data): " + d);
    }

    private static boolean printable(int cp) {
        if (cp == ' ') return true;
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }
}
