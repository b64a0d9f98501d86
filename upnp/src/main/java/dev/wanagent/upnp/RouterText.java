package dev.wanagent.upnp;

/** Text that came from a LAN device, made safe to log: printable ASCII only, and cut short. */
final class RouterText {
    private RouterText() {
    }

    /** {@code s} with every character outside printable ASCII replaced by '?', cut to {@code max} characters (+ "…"). */
    static String printable(String s, int max) {
        String head = s.length() > max ? s.substring(0, max) : s;
        StringBuilder t = new StringBuilder(head.length());
        for (int i = 0; i < head.length(); ) { // no regex: called for every header of every announcement
            int c = head.codePointAt(i);
            t.append(c >= 0x20 && c <= 0x7e ? (char) c : '?');
            i += Character.charCount(c);
        }
        if (s.length() > max) t.append('…');
        return t.toString();
    }
}
