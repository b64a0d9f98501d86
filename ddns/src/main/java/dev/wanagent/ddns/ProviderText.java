package dev.wanagent.ddns;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The one way text from outside (an answer body, a JSON field, a Location header, an exception message) is made fit
 * for a log line or an {@link UpdateOutcome} detail: secrets hidden, non-printable characters escaped, length capped.
 * Every provider goes through {@link #shown}; there is no other copy of this in the module.
 */
final class ProviderText {
    /** Longest text kept from outside, before the ellipsis. */
    static final int MAX_CHARS = 200;
    static final String HIDDEN = "****";

    private ProviderText() {
    }

    /**
     * {@code text} with each of {@code secrets} replaced by {@code ****}, control, format and other invisible
     * characters escaped (backslash n, r, t, a doubled backslash, else backslash u and the hex code point, as in
     * "\\u001B" or "\\u{E0001}"), and at most {@link #MAX_CHARS} characters long (then followed by "…"). Printable
     * non-ASCII text (say, a Chinese error message) is kept. Null gives "".
     */
    static String shown(String text, String... secrets) {
        if (text == null) return "";
        // hide before escaping (an exact echo) and after (a secret that only appears once escaped)
        String t = hide(escape(hide(text, secrets)), secrets);
        if (t.length() <= MAX_CHARS) return t;
        int end = Character.isHighSurrogate(t.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
        return hide(t.substring(0, end) + "…", secrets);
    }

    private static String hide(String text, String... secrets) {
        if (secrets == null || secrets.length == 0) return text;
        String t = text;
        // longest first: a secret that holds another (a URL holding a token) goes whole, not around the shorter one
        String[] longestFirst = secrets.clone();
        Arrays.sort(longestFirst, Comparator.nullsLast(Comparator.comparingInt(String::length).reversed()));
        for (String s : longestFirst) {
            // a secret made only of '*' would be found again in the replacement: nothing to hide there
            if (s != null && !s.isEmpty() && !s.chars().allMatch(c -> c == '*')) t = t.replace(s, HIDDEN);
        }
        return t;
    }

    private static String escape(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            String replacement = printable(cp) ? null : escapeOf(cp);
            if (replacement != null && b == null) b = new StringBuilder(text.length() + 16).append(text, 0, i);
            if (b != null) {
                if (replacement == null) b.appendCodePoint(cp);
                else b.append(replacement);
            }
            // stop early on huge input: the cap cuts it anyway (kept long enough to find a secret escaped)
            if (b != null && b.length() > 4 * MAX_CHARS) return b.toString();
            if (b == null && i > 4 * MAX_CHARS) return text.substring(0, i);
            i += n;
        }
        return b == null ? text : b.toString();
    }

    private static boolean printable(int cp) {
        if (cp == '\\') return false;
        if (cp == ' ') return true;
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    private static String escapeOf(int cp) {
        return switch (cp) {
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> cp <= 0xffff ? String.format("\\u%04X", cp) : String.format("\\u{%X}", cp);
        };
    }
}
