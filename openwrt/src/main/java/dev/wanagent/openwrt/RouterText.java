package dev.wanagent.openwrt;

import java.util.List;

/** Text from the router (or about it) made safe for a message: secrets masked, printable ASCII only, cut short. */
final class RouterText {
    static final String MASK = "****";

    private RouterText() {
    }

    /**
     * {@code s} with each of {@code secrets} replaced by {@value #MASK} (before anything is cut, so no piece of a
     * secret survives), every character outside printable ASCII replaced by '?', cut to {@code max} characters.
     */
    static String shown(String s, int max, List<String> secrets) {
        String t = s;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) t = t.replace(secret, MASK);
        }
        return printable(t, max);
    }

    /** {@code s} with every character outside printable ASCII replaced by '?', cut to {@code max} characters (+ "…"). */
    static String printable(String s, int max) {
        String head = s.length() > max ? s.substring(0, max) : s;
        String t = head.replaceAll("[^\\x20-\\x7e]", "?");
        return s.length() > max ? t + "…" : t;
    }
}
