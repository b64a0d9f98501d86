package dev.wanagent.agent;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 address literal from outside text, parsed without any DNS lookup. */
final class IpLiteral {
    private static final Pattern V4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private IpLiteral() {
    }

    static Optional<InetAddress> parse(String text) {
        if (text == null) return Optional.empty();
        boolean v4 = V4.matcher(text).matches();
        boolean v6 = !v4 && text.indexOf(':') >= 0 && V6.matcher(text).matches();
        if (!v4 && !v6) return Optional.empty();
        try {
            return Optional.of(InetAddress.getByName(text)); // a literal: InetAddress does no lookup
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
