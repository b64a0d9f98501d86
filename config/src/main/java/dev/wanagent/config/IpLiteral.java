package dev.wanagent.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The one parser of IP address literals from outside text (configuration, the state file, router and provider
 * answers). It reads the text itself and builds the address from bytes, so nothing is ever looked up in DNS (unlike
 * {@link InetAddress#getByName}, which asks the resolver for anything it does not take for a literal); it never
 * throws, and refuses text longer than {@value #MAX_LENGTH} characters before reading it.
 * <ul>
 *   <li>IPv4: exactly four dot-separated decimal octets 0-255 and nothing else. A leading zero ({@code 010.1.1.1})
 *   is refused: inet_aton, and so many routers, read such an octet as octal. Short forms ({@code 1.2.3},
 *   {@code 1}) and hex ({@code 0x1.1.1.1}) are refused.</li>
 *   <li>IPv6 (RFC 4291 text): eight groups of one to four hex digits, one {@code ::} for one or more zero groups,
 *   the last 32 bits optionally as an IPv4 dotted quad (same rule as above). No zone id ({@code fe80::1%eth0}).
 *   An IPv4-mapped address ({@code ::ffff:1.2.3.4}) comes back as the {@link Inet4Address} {@code 1.2.3.4}, as
 *   {@link InetAddress} makes it.</li>
 *   <li>Only ASCII: no whitespace is trimmed, and no other digits than 0-9 count.</li>
 * </ul>
 */
public final class IpLiteral {
    /** The longest literal: {@code ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255}. */
    public static final int MAX_LENGTH = 45;

    private IpLiteral() {
    }

    /** An IPv4 dotted quad or an IPv6 literal, without brackets; empty for anything else (also for null). */
    public static Optional<InetAddress> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) return Optional.empty();
        if (text.indexOf(':') < 0) return ipv4(text).map(a -> a);
        byte[] b = ipv6Bytes(text);
        return b == null ? Optional.empty() : address(b);
    }

    /**
     * Like {@link #parse}, and an IPv6 literal may also be written in brackets as in a URL ({@code [fe80::1]}).
     * An IPv4 literal in brackets is refused, as RFC 3986 and {@link InetAddress#getByName} refuse it.
     */
    public static Optional<InetAddress> parseHost(String text) {
        if (text == null || text.length() > MAX_LENGTH + 2) return Optional.empty();
        if (text.length() >= 2 && text.charAt(0) == '[' && text.charAt(text.length() - 1) == ']') {
            String inside = text.substring(1, text.length() - 1);
            return inside.indexOf(':') < 0 ? Optional.empty() : parse(inside);
        }
        return parse(text);
    }

    /**
     * The address as text: IPv4 dotted quad, IPv6 in RFC 5952's canonical form (lower case, no leading zeros, the
     * longest run of two or more zero groups as {@code ::}, the first of equal runs), without a scope. Routers
     * compare addresses as text (miniupnpd's pinhole check), and people read them: never the JDK's long form.
     */
    public static String text(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) return a.getHostAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') out.append(':');
            out.append(Integer.toHexString(g[i]));
        }
        return out.toString();
    }

    /** An IPv4 dotted quad only; empty for anything else (also for IPv6 forms of an IPv4 address, and null). */
    public static Optional<Inet4Address> ipv4(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) return Optional.empty();
        byte[] b = new byte[4];
        if (!dottedQuad(text, 0, text.length(), b, 0)) return Optional.empty();
        return address(b).map(a -> (Inet4Address) a);
    }

    private static Optional<InetAddress> address(byte[] b) {
        try {
            return Optional.of(InetAddress.getByAddress(b)); // from bytes: no lookup
        } catch (UnknownHostException e) {
            return Optional.empty(); // only for a wrong length, which cannot happen here
        }
    }

    /** Reads {@code s[from, to)} as a dotted quad into {@code out[at, at + 4)}; false when it is none. */
    private static boolean dottedQuad(String s, int from, int to, byte[] out, int at) {
        int octets = 0;
        int value = 0;
        int digits = 0;
        for (int i = from; i <= to; i++) {
            if (i == to || s.charAt(i) == '.') {
                if (digits == 0 || octets == 4) return false;
                out[at + octets++] = (byte) value;
                value = 0;
                digits = 0;
                continue;
            }
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
            if (digits == 1 && value == 0) return false; // a leading zero
            value = value * 10 + (c - '0');
            if (++digits > 3 || value > 255) return false;
        }
        return octets == 4;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    /** The 16 bytes of an IPv6 literal, or null. */
    private static byte[] ipv6Bytes(String s) {
        int n = s.length();
        byte[] out = new byte[16];
        int groups = 0; // 16-bit groups read so far
        int gap = -1; // the group index at which "::" stands
        int i = 0;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (i == n) return out;
        }
        while (true) {
            int start = i;
            int value = 0;
            while (i < n && hex(s.charAt(i)) >= 0 && i - start < 5) {
                value = (value << 4) | hex(s.charAt(i));
                i++;
            }
            if (i < n && s.charAt(i) == '.') { // the last 32 bits as a dotted quad
                if (groups > 6 || !dottedQuad(s, start, n, out, groups * 2)) return null;
                groups += 2;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4 || groups == 8) return null;
            out[groups * 2] = (byte) (value >> 8);
            out[groups * 2 + 1] = (byte) value;
            groups++;
            if (i == n) break;
            if (s.charAt(i) != ':') return null;
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) return null; // a second "::"
                gap = groups;
                i++;
                if (i == n) break;
            } else if (i == n) {
                return null; // a trailing single ':'
            }
        }
        if (gap < 0) return groups == 8 ? out : null;
        if (groups == 8) return null; // "::" stands for at least one zero group
        int tail = (groups - gap) * 2;
        System.arraycopy(out, gap * 2, out, 16 - tail, tail);
        Arrays.fill(out, gap * 2, 16 - tail, (byte) 0);
        return out;
    }
}
