// A dyndns2 update server for the lab (the "DNS provider on the internet"), run with the JDK alone:
//   java lab/FakeDyndns2.java LISTEN_ADDR:PORT USER PASSWORD LOG_FILE
// It answers GET /nic/update?hostname=H[,H2]&myip=IP the way No-IP/Dyn do (good IP / nochg IP / badauth /
// notfqdn), keeps the current address per hostname, prints each update and appends it to LOG_FILE as
// "epochMillis hostname myip source-address" so tests and the demo can see what DNS would hold.
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

public class FakeDyndns2 {
    static final Map<String, String> records = new ConcurrentHashMap<>();

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: java FakeDyndns2.java ADDR:PORT USER PASSWORD LOG_FILE");
            System.exit(2);
        }
        String[] hp = args[0].split(":");
        String expectedAuth = "Basic " + Base64.getEncoder()
                .encodeToString((args[1] + ":" + args[2]).getBytes(StandardCharsets.UTF_8));
        Path log = Path.of(args[3]);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(hp[0]),
                Integer.parseInt(hp[1])), 16);
        server.createContext("/nic/update", ex -> handle(ex, expectedAuth, log));
        server.start();
        System.out.println("fake dyndns2 listening on http://" + args[0] + "/nic/update");
    }

    static void handle(HttpExchange ex, String expectedAuth, Path log) throws IOException {
        String from = ex.getRemoteAddress().getAddress().getHostAddress();
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String agent = ex.getRequestHeaders().getFirst("User-Agent");
        StringBuilder answer = new StringBuilder();
        if (!expectedAuth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            answer.append("badauth\n");
        } else if (agent == null || agent.isBlank()) {
            answer.append("badagent\n");
        } else {
            String ip = q.getOrDefault("myip", from);
            for (String host : q.getOrDefault("hostname", "").split(",")) {
                if (!host.contains(".")) {
                    answer.append("notfqdn\n");
                    continue;
                }
                String old = records.put(host, ip);
                answer.append(ip.equals(old) ? "nochg " : "good ").append(ip).append('\n');
                String line = System.currentTimeMillis() + " " + host + " " + ip + " " + from + "\n";
                Files.writeString(log, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                System.out.println("dyndns2: " + host + " -> " + ip + (ip.equals(old) ? " (nochg)" : "")
                        + "   [request from " + from + ", " + agent + "]");
            }
        }
        byte[] body = answer.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) return out;
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
