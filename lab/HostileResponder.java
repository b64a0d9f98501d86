// A hostile device on the lab LAN, for the agent's hardening tests. Run in the LAN namespace:
//   java lab/HostileResponder.java BIND_ADDR AGENT_CALLBACK_HOST:PORT
// It answers every SSDP M-SEARCH with hostile replies (a fake IGD claiming WAN 6.6.6.6, an XXE description,
// an oversized description, a LOCATION on another host, a file: LOCATION, garbage), serves those documents on
// BIND_ADDR:8066, announces itself with ssdp:alive under ever-changing BOOTIDs, and keeps sending spoofed GENA
// NOTIFYs (ExternalIPAddress 6.6.6.6) to the agent's callback port. Every SOAP call it receives is printed.
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

public class HostileResponder {
    static String self;

    public static void main(String[] args) throws Exception {
        self = args[0];
        String callback = args[1];
        InetAddress bind = InetAddress.getByName(self);
        HttpServer http = HttpServer.create(new InetSocketAddress(bind, 8066), 16);
        http.createContext("/", HostileResponder::serve);
        http.start();

        MulticastSocket ssdp = new MulticastSocket(null);
        ssdp.setReuseAddress(true);
        ssdp.bind(new InetSocketAddress(1900));
        NetworkInterface nic = NetworkInterface.getByInetAddress(bind);
        ssdp.joinGroup(new InetSocketAddress("239.255.255.250", 1900), nic);
        DatagramSocket out = new DatagramSocket(new InetSocketAddress(bind, 0));
        Thread spoofer = new Thread(() -> spoof(out, callback));
        spoofer.setDaemon(true);
        spoofer.start();
        System.out.println("hostile responder on " + self + " ready");
        byte[] buf = new byte[2048];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            ssdp.receive(p);
            String msg = new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
            if (!msg.startsWith("M-SEARCH") || p.getAddress().getHostAddress().equals(self)) continue;
            for (String location : new String[] {
                    "http://" + self + ":8066/fake-igd.xml",
                    "http://" + self + ":8066/xxe.xml",
                    "http://" + self + ":8066/big.xml",
                    "http://203.0.113.5:5000/rootDesc.xml",
                    "file:///etc/passwd"}) {
                send(out, p.getSocketAddress(), "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\n"
                        + "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nUSN: uuid:evil::IGD\r\nEXT:\r\n"
                        + "SERVER: Evil/1 UPnP/1.1 evil/1\r\nLOCATION: " + location + "\r\n\r\n");
            }
            send(out, p.getSocketAddress(), "\u0000\u00ff\u00fegarbage LOCATION: http://" + self + "/\r\n");
        }
    }

    static void send(DatagramSocket s, java.net.SocketAddress to, String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        try {
            s.send(new DatagramPacket(b, b.length, to));
        } catch (IOException e) {
            System.out.println("send failed: " + e);
        }
    }

    static void spoof(DatagramSocket out, String callback) {
        long boot = 1;
        while (true) {
            // claim to be a router that keeps restarting
            send(out, new InetSocketAddress("239.255.255.250", 1900), "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
                    + "NT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nLOCATION: http://" + self + ":8066/fake-igd.xml\r\n"
                    + "BOOTID.UPNP.ORG: " + boot++ + "\r\nUSN: uuid:evil::upnp:rootdevice\r\n\r\n");
            String[] hp = callback.split(":");
            for (String path : new String[] {"/", "/wan-agent/events/0000", "/evt"}) {
                byte[] body = propertyset().getBytes(StandardCharsets.UTF_8);
                try (Socket c = new Socket()) {
                    c.bind(new InetSocketAddress(self, 0)); // from this device's own address
                    c.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 500);
                    c.setSoTimeout(500);
                    OutputStream o = c.getOutputStream();
                    o.write(("NOTIFY " + path + " HTTP/1.1\r\nHOST: " + callback + "\r\nCONTENT-TYPE: text/xml\r\n"
                            + "NT: upnp:event\r\nNTS: upnp:propchange\r\nSID: uuid:guessed\r\nSEQ: 1\r\n"
                            + "CONTENT-LENGTH: " + body.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    o.write(body);
                    o.flush();
                    c.getInputStream().read(new byte[256]);
                } catch (IOException e) {
                    // the agent's listener may not be up yet
                }
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static String propertyset() {
        return "<?xml version=\"1.0\"?><e:propertyset xmlns:e=\"urn:schemas-upnp-org:event-1-0\"><e:property>"
                + "<ExternalIPAddress>6.6.6.6</ExternalIPAddress></e:property><e:property><ConnectionStatus>Connected"
                + "</ConnectionStatus></e:property></e:propertyset>";
    }

    static void serve(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        System.out.println("hostile: " + ex.getRequestMethod() + " " + path + " from "
                + ex.getRemoteAddress().getAddress().getHostAddress());
        byte[] body;
        switch (path) {
            case "/fake-igd.xml" -> body = description("/ctl").getBytes(StandardCharsets.UTF_8);
            case "/xxe.xml" -> body = ("<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                    + description("/ctl").replaceFirst("<\\?xml[^>]*>", "").replace("Evil IGD", "&x;"))
                    .getBytes(StandardCharsets.UTF_8);
            case "/big.xml" -> body = description("/ctl").replace("<friendlyName>Evil IGD</friendlyName>",
                    "<friendlyName>" + "A".repeat(2_000_000) + "</friendlyName>").getBytes(StandardCharsets.UTF_8);
            case "/ctl" -> body = ("<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                    + "<s:Body><u:GetExternalIPAddressResponse xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\">"
                    + "<NewExternalIPAddress>6.6.6.6</NewExternalIPAddress><NewConnectionStatus>Connected"
                    + "</NewConnectionStatus></u:GetExternalIPAddressResponse></s:Body></s:Envelope>")
                    .getBytes(StandardCharsets.UTF_8);
            default -> body = new byte[0];
        }
        ex.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
        if (body.length > 0) ex.getResponseBody().write(body);
        ex.close();
    }

    static String description(String control) {
        return "<?xml version=\"1.0\"?><root xmlns=\"urn:schemas-upnp-org:device-1-0\"><specVersion><major>1</major>"
                + "<minor>0</minor></specVersion><device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1"
                + "</deviceType><friendlyName>Evil IGD</friendlyName><deviceList><device><deviceType>"
                + "urn:schemas-upnp-org:device:WANDevice:1</deviceType><serviceList><service><serviceType>"
                + "urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType><controlURL>/cmn</controlURL>"
                + "</service></serviceList><deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1"
                + "</deviceType><serviceList><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1"
                + "</serviceType><controlURL>" + control + "</controlURL><eventSubURL>/evt</eventSubURL></service>"
                + "</serviceList></device></deviceList></device></deviceList></device></root>";
    }
}
