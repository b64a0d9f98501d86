package dev.wanagent.upnp;

import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SOAP for UPnP control: arguments XML-escaped, replies parsed with {@link SafeXml}, UPnPError codes kept.
 * (weupnp's simpleUPnPcommand does none of these, so this module does not use it.)
 */
final class SoapClient {
    private static final MediaType XML = MediaType.get("text/xml; charset=\"utf-8\"");

    private SoapClient() {
    }

    /** Calls {@code action} of {@code serviceType} at {@code controlUrl}; returns the out arguments by name. */
    static Map<String, String> call(HttpUrl controlUrl, String serviceType, String action, Map<String, String> args)
            throws IOException {
        return call(RouterHttp.CLIENT, controlUrl, serviceType, action, args);
    }

    /** Like {@link #call(HttpUrl, String, String, Map)}, through {@code client} (one derived from RouterHttp's). */
    static Map<String, String> call(OkHttpClient client, HttpUrl controlUrl, String serviceType, String action,
                                    Map<String, String> args) throws IOException {
        StringBuilder body = new StringBuilder(512)
                .append("<?xml version=\"1.0\"?>\r\n")
                .append("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" ")
                .append("s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">")
                .append("<s:Body><u:").append(action).append(" xmlns:u=\"").append(escape(serviceType)).append("\">");
        for (Map.Entry<String, String> a : args.entrySet()) {
            body.append('<').append(a.getKey()).append('>').append(escape(a.getValue()))
                    .append("</").append(a.getKey()).append('>');
        }
        body.append("</u:").append(action).append("></s:Body></s:Envelope>\r\n");
        Request request = new Request.Builder()
                .url(controlUrl)
                .header("SOAPAction", "\"" + serviceType + "#" + action + "\"")
                .post(RequestBody.create(body.toString().getBytes(StandardCharsets.UTF_8), XML))
                .build();
        RouterHttp.Reply reply;
        try {
            reply = RouterHttp.execute(client, request);
        } catch (UpnpException e) {
            throw e;
        } catch (IOException e) {
            throw new UpnpException(action + " to " + controlUrl + " failed: " + describe(e), e);
        }
        return outArguments(action, controlUrl, reply.code(), reply.body());
    }

    /**
     * Reads the router's answer to {@code action}: the out arguments of a 200 reply, else the UPnPError it carries
     * (as an UpnpException with its code), else an UpnpException naming the HTTP status.
     */
    static Map<String, String> outArguments(String action, HttpUrl controlUrl, int httpCode, byte[] body)
            throws UpnpException {
        Map<String, String> values = parseLeaves(body, action);
        if (httpCode == 200) return values;
        String code = values.get("errorCode");
        if (code != null) {
            try {
                throw new UpnpException(action, Integer.parseInt(code.trim()), values.get("errorDescription"));
            } catch (NumberFormatException e) {
                throw new UpnpException(action + " failed: HTTP " + httpCode + " with a non-numeric errorCode");
            }
        }
        throw new UpnpException(action + " failed: HTTP " + httpCode + " from " + controlUrl);
    }

    static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** Every element without child elements, by local name → text (last wins). Enough for UPnP replies. */
    private static Map<String, String> parseLeaves(byte[] xml, String action) throws UpnpException {
        Map<String, String> out = new LinkedHashMap<>();
        if (xml.length == 0) return out;
        try {
            SafeXml.parse(xml, new DefaultHandler() {
                private final StringBuilder text = new StringBuilder();
                private boolean leaf;

                @Override
                public void startElement(String uri, String localName, String qName, Attributes atts) {
                    text.setLength(0);
                    leaf = true;
                }

                @Override
                public void characters(char[] ch, int start, int length) {
                    text.append(ch, start, length);
                }

                @Override
                public void endElement(String uri, String localName, String qName) {
                    if (leaf) out.put(localName, text.toString().trim());
                    leaf = false;
                    text.setLength(0);
                }
            });
        } catch (SAXException e) {
            throw new UpnpException(action + ": the router's reply is not acceptable XML: " + e.getMessage());
        }
        return out;
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
