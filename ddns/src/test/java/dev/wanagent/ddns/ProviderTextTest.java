package dev.wanagent.ddns;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProviderTextTest {
    @Test
    void escapesWhatALogLineMustNotCarry() {
        assertEquals("a\\nb\\r\\tc\\u001B[31m\\\\d", ProviderText.shown("a\nb\r\tc\u001b[31m\\d"));
        assertEquals("bidi\\u202Eevil zero\\u200Bwidth nbsp\\u00A0x del\\u007F", ProviderText.shown(
                "bidi\u202Eevil zero\u200Bwidth nbsp\u00A0x del\u007F"));
        assertEquals("lone \\uD800 surrogate", ProviderText.shown("lone \uD800 surrogate"));
        assertEquals("tag \\u{E0041}", ProviderText.shown("tag \uDB40\uDC41"));
    }

    @Test
    void keepsPrintableTextIncludingNonAscii() {
        assertEquals("默认 线路 ✓ 😀 café", ProviderText.shown("默认 线路 ✓ 😀 café"));
        assertEquals("", ProviderText.shown(null));
    }

    @Test
    void capsTheLength() {
        String shown = ProviderText.shown("x".repeat(100_000));
        assertEquals(ProviderText.MAX_CHARS + 1, shown.length());
        assertTrue(shown.endsWith("…"));
        String escaped = ProviderText.shown("\u0001".repeat(100_000));
        assertTrue(escaped.length() <= ProviderText.MAX_CHARS + 1, escaped);
        // never cuts a surrogate pair in half
        String emoji = ProviderText.shown("x" + "😀".repeat(200));
        assertFalse(Character.isHighSurrogate(emoji.charAt(emoji.length() - 2)), emoji);
    }

    @Test
    void hidesSecretsEvenWhenOnlyTheEscapedFormMatches() {
        assertEquals("token **** and ****", ProviderText.shown("token s3cret-value and s3cret-value", "s3cret-value"));
        assertEquals("****", ProviderText.shown("a\nb", "a\\nb"));
        assertEquals("a **** b", ProviderText.shown("a " + "x".repeat(10) + " b", null, "", "***", "x".repeat(10)));
        // a secret across the cap is hidden before the cut: no part of it is shown
        String across = ProviderText.shown("y".repeat(190) + "s3cret-value-0123456789" + "z".repeat(1000),
                "s3cret-value-0123456789");
        assertFalse(across.contains("s3c"), across);
    }
}
