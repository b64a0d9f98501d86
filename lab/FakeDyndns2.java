// A dyndns2 update server for the lab (the "DNS provider on the internet"), run with the JDK alone:
//   java lab/FakeDyndns2.java LISTEN_ADDR:PORT USER PASSWORD LOG_FILE [MODE_FILE]
// It answers GET /nic/update?hostname=H[,H2]&myip=IP the way No-IP/Dyn do (good IP / nochg IP / badauth /
// notfqdn), keeps the current address per hostname, prints each update and appends it to LOG_FILE as
// "epochMillis hostname myip source-address" so tests and the demo can see what DNS would hold.
//
// With MODE_FILE (for lab/faults.sh) the server plays a failing provider. The file is read on every request; its
// first word is the mode (missing, empty or unknown: ok):
//   ok       answer as above
//   error    HTTP 500 with the body "911" (nothing is recorded)
//   timeout  accept the request and never answer (the client gives up; the server drops it after 60 s)
//   reset    close the connection without any answer
//   slow     answer as in ok, but only after 3 s
// and every request, whatever the mode, is also appended to LOG_FILE.requests as
// "epochMillis mode myip source-address", so a test can count the calls a failing provider receives.
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
import java.util.concurrent.Executors;

public class FakeDyndns2 {
    static final Map<String, String> records = new ConcurrentHashMap<>();

    public static void main(String[] args) throws IOException {
        if (args.length != 4 && args.length != 5) {
            System.err.println("usage: java FakeDyndns2.java ADDR:PORT USER PASSWORD LOG_FILE [MODE_FILE]");
            System.exit(2);
        }
        String[] hp = args[0].split(":");
        String expectedAuth = "Basic " + Base64.getEncoder()
                .encodeToString((args[1] + ":" + args[2]).getBytes(StandardCharsets.UTF_8));
        Path log = Path.of(args[3]);
        Path modeFile = args.length == 5 ? Path.of(args[4]) : null;
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(hp[0]),
                Integer.parseInt(hp[1])), 16);
        server.createContext("/nic/update", ex -> {
            try {
                handle(ex, expectedAuth, log, modeFile);
            } catch (IOException | RuntimeException e) {
                ex.close();
            }
        });
        // a handler that sleeps (timeout, slow) must not hold up the others
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dyndns2");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        System.out.println("fake dyndns2 listening on http://" + args[0] + "/nic/update"
                + (modeFile == null ? "" : " (mode from " + modeFile + ")"));
    }

    static String mode(Path modeFile) {
        if (modeFile == null) return "ok";
        try {
            String[] words = Files.readString(modeFile).trim().split("\\s+");
            return switch (words[0]) {
                case "error", "timeout", "reset", "slow" -> words[0];
                default -> "ok";
            };
        } catch (IOException e) {
            return "ok";
        }
    }

    static void handle(HttpExchange ex, String expectedAuth, Path log, Path modeFile) throws IOException {
        String from = ex.getRemoteAddress().getAddress().getHostAddress();
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String mode = mode(modeFile);
        if (modeFile != null) {
            String line = System.currentTimeMillis() + " " + mode + " " + q.getOrDefault("myip", "-") + " " + from + "\n";
            Files.writeString(Path.of(log + ".requests"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            System.out.println("dyndns2: request for " + q.getOrDefault("myip", "-") + " from " + from + ", mode " + mode);
        }
        switch (mode) {
            case "error" -> {
                byte[] body = "911\n".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "text/plain");
                ex.sendResponseHeaders(500, body.length);
                ex.getResponseBody().write(body);
                ex.close();
                return;
            }
            case "timeout" -> {
                sleep(60_000);
                ex.close(); // no answer was ever sent: this closes the connection
                return;
            }
            case "reset" -> {
                ex.close(); // before any answer: the connection is closed with nothing sent
                return;
            }
            case "slow" -> sleep(3_000);
            default -> {
            }
        }
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

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
