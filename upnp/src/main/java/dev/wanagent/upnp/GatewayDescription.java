package dev.wanagent.upnp;

import okhttp3.HttpUrl;
import okhttp3.Request;
import org.bitlet.weupnp.GatewayDevice;
import org.bitlet.weupnp.GatewayDeviceHandler;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

import java.io.IOException;

/**
 * The router's device description (rootDesc.xml): which WAN connection service it has and where to control it.
 *
 * <p>The fields are read by weupnp's {@link GatewayDeviceHandler}, but the document is fetched here (size cap,
 * timeouts, no redirects) and parsed with {@link SafeXml} (weupnp's own loader enables external entities), and
 * the handler receives each element's text in one piece (it assumes one {@code characters} call per element).
 * Relative URLs are resolved properly, and the control and event URLs must stay on the description's host.
 */
public record GatewayDescription(
        HttpUrl location,
        String friendlyName,
        String manufacturer,
        String modelName,
        String serviceType,
        HttpUrl controlUrl,
        HttpUrl eventSubUrl) {

    /** The IGD version this description announces: 2 for WANIPConnection:2, else 1. */
    public int igdVersion() {
        return serviceType.endsWith(":2") ? 2 : 1;
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
        try {
            SafeXml.parse(xml, new WholeTextHandler(new GatewayDeviceHandler(device)));
        } catch (SAXException e) {
            throw new UpnpException("router description " + location + " is not acceptable XML: " + e.getMessage());
        }
        String serviceType = device.getServiceType();
        if (serviceType == null
                || !(serviceType.startsWith("urn:schemas-upnp-org:service:WANIPConnection:")
                || serviceType.startsWith("urn:schemas-upnp-org:service:WANPPPConnection:"))) {
            throw new UpnpException("router description " + location
                    + " has no WANIPConnection or WANPPPConnection service: not an Internet Gateway Device");
        }
        HttpUrl base = location;
        String urlBase = device.getURLBase();
        if (urlBase != null && !urlBase.isBlank()) {
            HttpUrl parsed = HttpUrl.parse(urlBase.trim());
            if (parsed == null || !sameOrigin(parsed, location)) {
                throw new UpnpException("router description " + location + " has URLBase " + urlBase.trim()
                        + " on another host: refused");
            }
            base = parsed;
        }
        HttpUrl control = resolve(location, base, device.getControlURL(), "controlURL");
        HttpUrl events = device.getEventSubURL() == null || device.getEventSubURL().isBlank() ? null
                : resolve(location, base, device.getEventSubURL(), "eventSubURL");
        return new GatewayDescription(location, nullToEmpty(device.getFriendlyName()),
                nullToEmpty(device.getManufacturer()), nullToEmpty(device.getModelName()), serviceType.trim(),
                control, events);
    }

    private static HttpUrl resolve(HttpUrl location, HttpUrl base, String ref, String field) throws UpnpException {
        if (ref == null || ref.isBlank()) {
            throw new UpnpException("router description " + location + " has no " + field);
        }
        HttpUrl url = base.resolve(ref.trim());
        if (url == null || !sameOrigin(url, location)) {
            throw new UpnpException("router description " + location + " points " + field + " at " + ref.trim()
                    + ", not on the router itself: refused");
        }
        return url;
    }

    private static boolean sameOrigin(HttpUrl a, HttpUrl b) {
        return a.scheme().equals("http") && a.scheme().equals(b.scheme()) && a.host().equals(b.host());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s.trim();
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
