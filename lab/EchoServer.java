// A web echo for the lab (like https://api.ipify.org, on the internet side of the router), run with the JDK alone:
//   java lab/EchoServer.java LISTEN_ADDR:PORT
// GET / or /ip    answers the caller's address as plain text ("11.22.33.44\n"): through the router's NAT, the
//                 router's WAN address (two paths: two echoes that can agree)
// GET /fixed/IP   answers IP instead (an IPv4 dotted quad): an echo that sees another address, as it would behind
//                 a second NAT beyond the router (the ISP's carrier-grade NAT, an upstream router)
// Anything else is 404. Each request is printed as "epochMillis path caller".
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

public class EchoServer {
    private static final Pattern QUAD = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java EchoServer.java ADDR:PORT");
            System.exit(2);
        }
        String[] hp = args[0].split(":");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(hp[0]),
                Integer.parseInt(hp[1])), 16);
        server.createContext("/", EchoServer::handle);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        System.out.println("echo listening on http://" + args[0] + "/");
    }

    static void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String caller = ex.getRemoteAddress().getAddress().getHostAddress();
            System.out.println(System.currentTimeMillis() + " " + path + " " + caller);
            String answer = null;
            if (path.equals("/") || path.equals("/ip")) {
                answer = caller;
            } else if (path.startsWith("/fixed/") && QUAD.matcher(path.substring(7)).matches()) {
                answer = path.substring(7);
            }
            byte[] body = (answer == null ? "not found\n" : answer + "\n").getBytes(StandardCharsets.US_ASCII);
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(answer == null ? 404 : 200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
