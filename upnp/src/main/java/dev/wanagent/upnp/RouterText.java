package dev.wanagent.upnp;

/** Text that came from a LAN device, made safe to log: printable ASCII only, and cut short. */
final class RouterText {
    private RouterText() {
    }

    static String printable(String s, int max) {
        String t = s.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() > max ? t.substring(0, max) + "…" : t;
    }
}
