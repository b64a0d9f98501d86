package dev.wanagent.upnp;

import java.util.ArrayList;
import java.util.List;

/** Line and token splitting shared by the route-table parsers: bounded, and never throws. */
final class RouteText {
    /** A route row is under 100 characters; a longer line is not one. */
    static final int MAX_LINE = 512;
    /** At most this many lines of one output are read (a route table has tens). */
    static final int MAX_LINES = 20_000;

    private RouteText() {
    }

    /** The lines of {@code text} (split at CR, LF or CRLF), skipping lines over {@link #MAX_LINE} characters. */
    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) return out;
        int start = 0;
        int n = text.length();
        for (int i = 0; i <= n && out.size() < MAX_LINES; i++) {
            if (i == n || text.charAt(i) == '\n' || text.charAt(i) == '\r') {
                if (i - start <= MAX_LINE && i > start) out.add(text.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }

    /** The words of a line: runs of characters above U+0020 (spaces, tabs and control characters separate). */
    static List<String> tokens(String line) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= line.length(); i++) {
            boolean separator = i == line.length() || line.charAt(i) <= ' ';
            if (separator) {
                if (start >= 0) out.add(line.substring(start, i));
                start = -1;
            } else if (start < 0) {
                start = i;
            }
        }
        return out;
    }

    /** True for 1 to 9 ASCII digits. */
    static boolean number(String s) {
        if (s.isEmpty() || s.length() > 9) return false;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        }
        return true;
    }
}
