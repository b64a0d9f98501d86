package dev.wanagent.upnp;

import okhttp3.HttpUrl;
import okhttp3.Request;
import org.bitlet.weupnp.GatewayDevice;
import org.bitlet.weupnp.GatewayDeviceHandler;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The router's device description (rootDesc.xml): its WAN connection services (WANIPConnection:1/2,
 * WANPPPConnection:1) in document order, and where to control each.
 *
 * <p>The device fields are read by weupnp's {@link GatewayDeviceHandler}; it keeps only one connection service, so
 * the service list is read here. The document is fetched here (size cap, timeouts, no redirects) and parsed with
 * {@link SafeXml} (weupnp's own loader enables external entities), and weupnp's handler receives each element's
 * text in one piece (it assumes one {@code characters} call per element). Relative URLs are resolved properly, and
 * control and event URLs must stay on the description's host. The names (friendlyName, manufacturer, modelName) are
 * the router's text made printable and short: they are shown in logs.
 */
public record GatewayDescription(
        HttpUrl location,
        String friendlyName,
        String manufacturer,
        String modelName,
        List<WanService> services,
        Optional<WanService> ipv6Firewall) {

    /** One WAN connection service of the router. {@code eventSubUrl} is null when it sends no events. */
    public record WanService(String serviceType, HttpUrl controlUrl, HttpUrl eventSubUrl) {
        /** The IGD version: 2 for WANIPConnection:2, else 1. */
        public int igdVersion() {
            return serviceType.endsWith(":2") ? 2 : 1;
        }

        /** e.g. WANIPConnection:2 */
        public String shortName() {
            return serviceType.substring("urn:schemas-upnp-org:service:".length());
        }
    }

    /** The IGD:2 firewall service for IPv6 pinholes. */
    public static final String IPV6_FIREWALL = "urn:schemas-upnp-org:service:WANIPv6FirewallControl:1";

    public GatewayDescription {
        services = List.copyOf(services);
    }

    /** Without a WANIPv6FirewallControl service. */
    public GatewayDescription(HttpUrl location, String friendlyName, String manufacturer, String modelName,
                              List<WanService> services) {
        this(location, friendlyName, manufacturer, modelName, services, Optional.empty());
    }

    /** Fetches and parses the description at {@code location}. */
    public static GatewayDescription fetch(HttpUrl location) throws IOException {
        RouterHttp.Reply reply;
        try {
            reply = RouterHttp.execute(new Request.Builder().url(location).get().build());
        } catch (UpnpException e) {
            throw e;
        } catch (IOException e) {
            throw new UpnpException("cannot fetch the router description " + location + ": " + SoapClient.describe(e), e);
        }
        if (reply.code() != 200) {
            throw new UpnpException("router description " + location + " answered HTTP " + reply.code());
        }
        return parse(location, reply.body());
    }

    static GatewayDescription parse(HttpUrl location, byte[] xml) throws UpnpException {
        GatewayDevice device = new GatewayDevice();
        ServiceListHandler services = new ServiceListHandler();
        try {
            SafeXml.parse(xml, new WholeTextHandler(new GatewayDeviceHandler(device)));
            SafeXml.parse(xml, services);
        } catch (SAXException e) {
            throw new UpnpException("router description " + location + " is not acceptable XML: " + e.getMessage());
        }
        if (services.found.isEmpty()) {
            throw new UpnpException("router description " + location
                    + " has no WANIPConnection or WANPPPConnection service: not an Internet Gateway Device");
        }
        HttpUrl base = location;
        String urlBase = device.getURLBase();
        if (urlBase != null && !urlBase.isBlank()) {
            HttpUrl parsed = HttpUrl.parse(urlBase.trim());
            if (parsed == null || !sameOrigin(parsed, location)) {
                throw new UpnpException("router description " + location + " has URLBase "
                        + RouterText.printable(urlBase.trim(), 200) + " on another host: refused");
            }
            base = parsed;
        }
        List<WanService> resolved = new ArrayList<>();
        Optional<WanService> firewall = Optional.empty();
        for (String[] f : services.found) {
            HttpUrl control = resolve(location, base, f[1], "controlURL");
            HttpUrl events = f[2] == null || f[2].isBlank() ? null : resolve(location, base, f[2], "eventSubURL");
            if (f[0].equals(IPV6_FIREWALL)) {
                if (firewall.isEmpty()) firewall = Optional.of(new WanService(f[0], control, events));
            } else {
                resolved.add(new WanService(f[0], control, events));
            }
        }
        if (resolved.isEmpty()) {
            throw new UpnpException("router description " + location
                    + " has no WANIPConnection or WANPPPConnection service: not an Internet Gateway Device");
        }
        return new GatewayDescription(location, shown(device.getFriendlyName()), shown(device.getManufacturer()),
                shown(device.getModelName()), resolved, firewall);
    }

    /** Collects serviceType, controlURL, eventSubURL of every WAN connection service and the IPv6 firewall. */
    private static final class ServiceListHandler extends DefaultHandler {
        private static final Pattern WAN_SERVICE = Pattern.compile(
                "urn:schemas-upnp-org:service:(WANIPConnection:[12]|WANPPPConnection:1|WANIPv6FirewallControl:1)");
        final List<String[]> found = new ArrayList<>();
        private final StringBuilder text = new StringBuilder();
        private String[] current;

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) {
            text.setLength(0);
            if (localName.equals("service")) current = new String[3];
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (text.length() < 1024) text.append(ch, start, length);
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            String t = text.toString().trim();
            text.setLength(0);
            if (current == null) return;
            switch (localName) {
                case "serviceType" -> current[0] = t;
                case "controlURL" -> current[1] = t;
                case "eventSubURL" -> current[2] = t;
                case "service" -> {
                    if (current[0] != null && WAN_SERVICE.matcher(current[0]).matches()) found.add(current);
                    current = null;
                }
                default -> { }
            }
        }
    }

    private static HttpUrl resolve(HttpUrl location, HttpUrl base, String ref, String field) throws UpnpException {
        if (ref == null || ref.isBlank()) {
            throw new UpnpException("router description " + location + " has no " + field);
        }
        HttpUrl url = base.resolve(ref.trim());
        if (url == null || !sameOrigin(url, location)) {
            throw new UpnpException("router description " + location + " points " + field + " at "
                    + RouterText.printable(ref.trim(), 200) + ", not on the router itself: refused");
        }
        return url;
    }

    private static boolean sameOrigin(HttpUrl a, HttpUrl b) {
        return a.scheme().equals("http") && a.scheme().equals(b.scheme()) && a.host().equals(b.host());
    }

    private static String shown(String s) {
        return s == null ? "" : RouterText.printable(s.trim(), 200);
    }

    /** Passes each element's text to the delegate in one call, as weupnp's handler expects. */
    private static final class WholeTextHandler extends DefaultHandler {
        private final DefaultHandler delegate;
        private final StringBuilder text = new StringBuilder();

        WholeTextHandler(DefaultHandler delegate) {
            this.delegate = delegate;
        }

        private void flush() throws SAXException {
            if (text.length() > 0) {
                String s = text.toString().trim();
                text.setLength(0);
                if (!s.isEmpty()) delegate.characters(s.toCharArray(), 0, s.length());
            }
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
            text.setLength(0);
            delegate.startElement(uri, localName, qName, atts);
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            text.append(ch, start, length);
        }

        @Override
        public void endElement(String uri, String localName, String qName) throws SAXException {
            flush();
            delegate.endElement(uri, localName, qName);
        }
    }
}
