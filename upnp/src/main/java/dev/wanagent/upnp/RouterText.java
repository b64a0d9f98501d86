package dev.wanagent.upnp;

/** Text that came from a LAN device, made safe to log: printable ASCII only, and cut short. */
final class RouterText {
    private RouterText() {
    }

    /** {@code s} with every character outside printable ASCII replaced by '?', cut to {@code max} characters (+ "…"). */
    static String printable(String s, int max) {
        String head = s.length() > max ? s.substring(0, max) : s;
        String t = head.replaceAll("[^\\x20-\\x7e]", "?");
        return s.length() > max ? t + "…" : t;
    }
}
