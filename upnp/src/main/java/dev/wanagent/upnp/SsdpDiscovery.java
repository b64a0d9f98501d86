package dev.wanagent.upnp;

import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * SSDP M-SEARCH for Internet Gateway Devices, sent only on the interface that holds {@code localAddress}.
 *
 * <p>Replaces weupnp's GatewayDiscover, which fetches whatever LOCATION any responder sends. Here a LOCATION is
 * accepted only as {@code http://} on the responder's own address, and that address must be a private/link-local
 * LAN address; everything else is refused with a log line and never fetched.
 */
public final class SsdpDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(SsdpDiscovery.class);
    private static final RepeatedWarnings WARNINGS = new RepeatedWarnings();
    private static final InetSocketAddress SSDP = new InetSocketAddress("239.255.255.250", 1900);
    static final List<String> SEARCH_TARGETS = List.of(
            "urn:schemas-upnp-org:device:InternetGatewayDevice:2",
            "urn:schemas-upnp-org:device:InternetGatewayDevice:1",
            "urn:schemas-upnp-org:service:WANIPConnection:2",
            "urn:schemas-upnp-org:service:WANIPConnection:1",
            "urn:schemas-upnp-org:service:WANPPPConnection:1");

    /**
     * One acceptable answer: who answered and where its description is. {@code searchTarget}, {@code server} and
     * {@code bootId} (the {@code BOOTID.UPNP.ORG} header of UPnP 1.1 devices) are the responder's text, trimmed and
     * made printable.
     */
    public record Response(InetAddress responder, HttpUrl location, String searchTarget, String server,
                           Optional<String> bootId) {
    }

    /** What became of one answer: a usable response, or why it was refused (and the key to rate-limit its log). */
    record Verdict(Optional<Response> response, String refusal, String warnKey) {
        static Verdict refused(String warnKey, String refusal) {
            return new Verdict(Optional.empty(), refusal, warnKey);
        }
    }

    private SsdpDiscovery() {
    }

    /** Answers keep being read at least this long, so that other devices answering are seen (and logged). */
    static final Duration MIN_WAIT = Duration.ofMillis(300);

    /**
     * Searches for IGDs and returns the acceptable answers in arrival order, one per LOCATION. Returns once
     * {@code stopWhenFrom} has answered and {@link #MIN_WAIT} has passed (when given), else after {@code wait}.
     */
    public static List<Response> search(InetAddress localAddress, Duration wait, Optional<InetAddress> stopWhenFrom)
            throws IOException {
        NetworkInterface nic = NetworkInterface.getByInetAddress(localAddress);
        if (nic == null) throw new IOException("no network interface holds " + localAddress.getHostAddress());
        List<Response> found = new ArrayList<>();
        try (MulticastSocket socket = new MulticastSocket(new InetSocketAddress(localAddress, 0))) {
            socket.setNetworkInterface(nic);
            socket.setTimeToLive(2);
            sendSearches(socket);
            long start = System.nanoTime();
            long searchAgainAt = start + SEARCH_AGAIN.toNanos();
            boolean heardFromTarget = false;
            byte[] buf = new byte[2048];
            while (true) {
                long stopAt = start + (heardFromTarget ? Math.min(wait.toNanos(), MIN_WAIT.toNanos()) : wait.toNanos());
                long now = System.nanoTime();
                if (!heardFromTarget && now - searchAgainAt >= 0) {
                    // a router that was still starting (or rebooting) missed the first search: ask again
                    sendSearches(socket);
                    searchAgainAt = now + SEARCH_AGAIN.toNanos();
                }
                long left = (Math.min(stopAt, heardFromTarget ? stopAt : searchAgainAt) - now) / 1_000_000;
                if (stopAt - now <= 0) break;
                socket.setSoTimeout((int) Math.max(1, left));
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    continue; // the loop ends at stopAt
                }
                String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
                Optional<Response> r = accept(p.getAddress(), text);
                if (r.isEmpty()) continue;
                if (found.stream().noneMatch(f -> f.location().equals(r.get().location()))) found.add(r.get());
                if (stopWhenFrom.isPresent() && stopWhenFrom.get().equals(p.getAddress())) heardFromTarget = true;
            }
        }
        return found;
    }

    /** While the gateway has not answered, the search is sent again this often within the wait. */
    static final Duration SEARCH_AGAIN = Duration.ofMillis(500);

    private static void sendSearches(MulticastSocket socket) throws IOException {
        for (String st : SEARCH_TARGETS) {
            byte[] msg = ("M-SEARCH * HTTP/1.1\r\n"
                    + "HOST: 239.255.255.250:1900\r\n"
                    + "MAN: \"ssdp:discover\"\r\n"
                    + "MX: 1\r\n"
                    + "ST: " + st + "\r\n"
                    + "USER-AGENT: Linux/1 UPnP/1.1 wan-agent/1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(msg, msg.length, SSDP));
        }
    }

    /** Checks one SSDP answer; a refusal is logged and gives empty. */
    static Optional<Response> accept(InetAddress from, String text) {
        Verdict v = check(from, text);
        if (v.response().isEmpty()) WARNINGS.warn(LOG, v.warnKey(), "SSDP: {}", v.refusal());
        return v.response();
    }

    /** Checks one SSDP answer without logging. */
    static Verdict check(InetAddress from, String text) {
        String who = from.getHostAddress();
        if (!text.startsWith("HTTP/1.1 200") && !text.startsWith("HTTP/1.0 200")) {
            return Verdict.refused(who + " not200", "ignored a reply from " + who
                    + " that is not an HTTP 200 search answer");
        }
        String location = header(text, "LOCATION");
        String st = header(text, "ST");
        if (location == null) {
            return Verdict.refused(who + " nolocation", "ignored a reply from " + who + " without LOCATION");
        }
        if (!(from.isSiteLocalAddress() || from.isLinkLocalAddress())) {
            return Verdict.refused(who + " public", "refused a reply from " + who + ": not a private LAN address");
        }
        HttpUrl url = HttpUrl.parse(location);
        if (url == null || !location.toLowerCase(Locale.ROOT).startsWith("http://")) {
            return Verdict.refused(who + " " + location, "refused LOCATION '" + RouterText.printable(location, 200)
                    + "' from " + who + ": only http:// on the responder itself is accepted");
        }
        if (!url.host().equals(who)) {
            return Verdict.refused(who + " " + location, "refused LOCATION '" + RouterText.printable(location, 200)
                    + "' from " + who + ": it points at another host");
        }
        return new Verdict(Optional.of(new Response(from, url, shown(st).orElse(""),
                shown(header(text, "SERVER")).orElse(""), shown(header(text, "BOOTID.UPNP.ORG")))), null, null);
    }

    private static Optional<String> shown(String headerValue) {
        return headerValue == null || headerValue.isEmpty() ? Optional.empty()
                : Optional.of(RouterText.printable(headerValue, 256));
    }

    /** The value of the first header line {@code name} (any case), trimmed; null when there is none. */
    static String header(String text, String name) {
        // no regex: the announcement listener reads every datagram the router sends
        for (int start = 0, end; start < text.length(); start = end + 1) {
            end = text.indexOf('\n', start);
            if (end < 0) end = text.length();
            int colon = text.indexOf(':', start);
            if (colon > start && colon < end && text.substring(start, colon).trim().equalsIgnoreCase(name)) {
                return text.substring(colon + 1, end).trim();
            }
        }
        return null;
    }

}
