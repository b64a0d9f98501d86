package dev.wanagent.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The low 64 bits of an IPv6 address ({@code hostId6}): the interface identifier of the served host, joined to the
 * LAN's /64 prefix to make the address its AAAA records and pinholes carry. Written as an IPv6 literal whose high
 * 64 bits are zero ({@code ::1234:5678:9abc:def0}) or as {@code mac(aa:bb:cc:dd:ee:ff)} for the modified EUI-64
 * identifier that SLAAC derives from a MAC address (RFC 4291 appendix A).
 */
public record InterfaceId(long bits) {
    private static final Pattern MAC = Pattern.compile(
            "mac\\(\\s*([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]"
                    + "([0-9a-f]{2})\\s*\\)");

    public InterfaceId {
        if (bits == 0) throw new IllegalArgumentException("an interface identifier of zero is the subnet-router anycast");
    }

    /** Parses either form; empty (and never an exception) for anything else. */
    public static Optional<InterfaceId> parse(String text) {
        if (text == null || text.length() > 64) return Optional.empty();
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher mac = MAC.matcher(t);
        if (mac.matches()) {
            long v = 0;
            for (int i = 1; i <= 6; i++) {
                int octet = Integer.parseInt(mac.group(i), 16);
                if (i == 1) octet ^= 0x02; // the universal/local bit is inverted in the modified EUI-64
                v = (v << 8) | octet;
                if (i == 3) v = (v << 16) | 0xfffe;
            }
            return Optional.of(new InterfaceId(v));
        }
        if (!t.startsWith("::")) return Optional.empty();
        Optional<InetAddress> a = IpLiteral.parse(t);
        if (a.isEmpty() || !(a.get() instanceof Inet6Address)) return Optional.empty();
        byte[] b = a.get().getAddress();
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (b[i] & 0xff);
            low = (low << 8) | (b[8 + i] & 0xff);
        }
        return high == 0 && low != 0 ? Optional.of(new InterfaceId(low)) : Optional.empty();
    }

    /** The address made of the first 64 bits of {@code prefix} and this identifier. */
    public Inet6Address in(Inet6Address prefix) {
        byte[] b = prefix.getAddress();
        for (int i = 0; i < 8; i++) b[15 - i] = (byte) (bits >>> (8 * i));
        try {
            return (Inet6Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes: cannot happen
        }
    }

    @Override
    public String toString() {
        return String.format("::%x:%x:%x:%x", (bits >>> 48) & 0xffff, (bits >>> 32) & 0xffff, (bits >>> 16) & 0xffff,
                bits & 0xffff);
    }
}
