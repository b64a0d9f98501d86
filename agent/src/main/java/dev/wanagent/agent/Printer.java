package dev.wanagent.agent;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Every line a user sees goes through here: the log (stderr) and the commands' output. Text from outside (router
 * replies, provider answers, SNMP values, file contents) can hold line breaks and terminal control sequences that
 * would forge log lines or rewrite the terminal; one line printed here is one line on the screen, with control
 * characters shown escaped ({@code \n}, {@code \x1b}) and its length capped.
 */
final class Printer extends PrintStream {
    /** Longer lines are cut, saying how much was left out. */
    static final int MAX_LINE = 4000;

    Printer(OutputStream out) {
        super(out, true, StandardCharsets.UTF_8);
    }

    /** {@code line} as it is printed: control characters escaped, at most {@link #MAX_LINE} characters. */
    static String printable(String line) {
        StringBuilder b = new StringBuilder(Math.min(line.length(), MAX_LINE) + 16);
        int i = 0;
        for (; i < line.length() && b.length() < MAX_LINE; i++) {
            char c = line.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029'
                            || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')) {
                        b.append(String.format("\\x%02x", (int) c & 0xffff));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (i < line.length()) b.append(" … (").append(line.length() - i).append(" more characters)");
        return b.toString();
    }

    @Override
    public void println(String x) {
        super.println(printable(String.valueOf(x)));
    }

    @Override
    public void println(Object x) {
        super.println(printable(String.valueOf(x)));
    }

    @Override
    public void print(String s) {
        // partial lines (printf, usage text) are our own text; still, no control characters from outside
        super.print(s == null ? "null" : s.replaceAll("[\\x00-\\x08\\x0b-\\x1f\\x7f]", "?"));
    }
}
