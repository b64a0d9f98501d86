package dev.wanagent.openwrt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okio.Buffer;

import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake OpenWrt router's {@code POST /ubus} (uhttpd-mod-ubus, legacy JSON-RPC endpoint) with rpcd's sessions and
 * netifd's interface objects, on loopback. No Debian package ships ubus, so this is shaped after OpenWrt's own
 * sources and docs rather than run against them:
 * <ul>
 *   <li>uhttpd {@code ubus.c}: every answer is HTTP 200 {@code application/json}; {@code {"jsonrpc":"2.0","id":ID,
 *       "result":[STATUS]}} or {@code "result":[STATUS,{...}]} for a call that reached its object; a request it
 *       refuses itself is {@code "error":{"code":C,"message":M}} with -32700 "Parse error" (also for a request that
 *       is not {jsonrpc "2.0", method, params [sid, object, function, {args}]}), -32601 "Method not found", -32602
 *       "Invalid parameters" (args holding ubus_rpc_session), -32000 "Object not found" (looked up before the ACL,
 *       so any session gets it), -32002 "Access denied" (rpcd's {@code session access} says no: an unknown or
 *       expired session, or an ACL without the function);</li>
 *   <li>rpcd {@code session.c}: {@code session login} is the only call the null session
 *       {@code 00000000000000000000000000000000} may make; missing username/password → [2]; a wrong password or
 *       unknown user → [6]; success → [0, {ubus_rpc_session: 32 hex digits, timeout: 300, expires: 300, acls: {...},
 *       data: {username}}]; ACL objects match with wildcards ({@code network.interface.*});</li>
 *   <li>netifd {@code ubus.c}: {@code network.interface.<name> status} answers up/pending/available/autostart/
 *       dynamic/proto/device/data always, and uptime, l3_device and the ipv4-address, ipv6-address, ipv6-prefix,
 *       ipv6-prefix-assignment, route, dns-server, dns-search and inactive arrays only while the interface is up;
 *       address entries {address, mask[, ptpaddress, preferred, valid]}, prefixes {address, mask, preferred, valid,
 *       class, assigned}.</li>
 * </ul>
 * Faults on demand: {@link #expireSessions()} (rpcd's session timeout or restart), {@link #revokeAcl(String)},
 * {@link #answerNext(MockResponse)} (garbage, huge answers, an HTML error page, a redirect).
 */
public final class FakeUbus extends Dispatcher implements AutoCloseable {
    public static final String NULL_SESSION = "00000000000000000000000000000000";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final MockWebServer server = new MockWebServer();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, String> passwords = new ConcurrentHashMap<>();
    /** user → ubus ACL: object pattern → functions. */
    private final Map<String, Map<String, List<String>>> acls = new ConcurrentHashMap<>();
    /** session id → user. */
    private final Map<String, String> sessions = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> interfaces = new ConcurrentHashMap<>();
    private final Queue<MockResponse> override = new ArrayDeque<>();
    /** Answers for the next interface calls (after the ACL check), in order: a JSON-RPC error or a ubus status. */
    private final Queue<ObjectNode> callFaults = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> requests = new ArrayList<>();

    /** A router with user {@code user}/{@code password} holding the read-only ACL, and wan (PPPoE) and wan6 up. */
    public static FakeUbus start(String user, String password) throws IOException {
        FakeUbus f = new FakeUbus();
        f.addUser(user, password);
        f.setInterface("wan", upPppoe("203.0.113.7"));
        f.setInterface("wan6", upDhcpv6("2001:db8:0:1::2", "2001:db8:100::", 56));
        f.server.setDispatcher(f);
        f.server.setServerSocketFactory(NoDelaySockets.server());
        f.server.start(InetAddress.getLoopbackAddress(), 0);
        return f;
    }

    /** {@code http://127.0.0.1:PORT/ubus}. */
    public HttpUrl url() {
        return new HttpUrl.Builder().scheme("http").host("127.0.0.1").port(server.getPort()).encodedPath("/ubus")
                .build();
    }

    public void addUser(String user, String password) {
        passwords.put(user, password);
        // what /usr/share/rpcd/acl.d/wan-agent.json grants, plus rpcd's "unauthenticated" group
        Map<String, List<String>> acl = new LinkedHashMap<>();
        acl.put("session", List.of("access", "login"));
        acl.put("network.interface.*", List.of("status"));
        acls.put(user, acl);
    }

    /** The user keeps logging in, but its ACL no longer grants network.interface.* status. */
    public void revokeAcl(String user) {
        acls.get(user).remove("network.interface.*");
    }

    /** Every session ends, as when rpcd's 300 s timeout passes or rpcd restarts. */
    public void expireSessions() {
        sessions.clear();
    }

    public void setInterface(String name, ObjectNode status) {
        interfaces.put(name, status);
    }

    public void removeInterface(String name) {
        interfaces.remove(name);
    }

    /** The next request gets this answer instead (queued: several calls, several overrides). */
    public synchronized void answerNext(MockResponse response) {
        override.add(response);
    }

    /** The next interface call that passes the ACL check is answered with this JSON-RPC error. */
    public void nextCallError(int code, String message) {
        callFaults.add(F.objectNode().put("code", code).put("message", message));
    }

    /** The next interface call that passes the ACL check is answered {@code result: [status]}. */
    public void nextCallStatus(int status) {
        callFaults.add(F.objectNode().put("status", status));
    }

    public int logins() {
        return logins.get();
    }

    /** Calls other than session login. */
    public int calls() {
        return calls.get();
    }

    /** Every request body received, in order (they hold the password: for assertions only). */
    public synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    public int sessionCount() {
        return sessions.size();
    }

    @Override
    public void close() {
        server.close();
    }

    // --- netifd's status objects

    /** An interface that is up over PPPoE with one IPv4 address (netifd's shape, ptpaddress included). */
    public static ObjectNode upPppoe(String ipv4) {
        ObjectNode s = common(true, "pppoe", "wan");
        s.put("uptime", 5321).put("l3_device", "pppoe-wan");
        s.putArray("updated").add("addresses").add("routes");
        s.put("metric", 0).put("dns_metric", 0).put("delegation", true);
        s.putArray("ipv4-address").addObject().put("address", ipv4).put("mask", 32).put("ptpaddress", "203.0.113.1");
        s.putArray("ipv6-address");
        s.putArray("ipv6-prefix");
        s.putArray("ipv6-prefix-assignment");
        s.putArray("route").addObject().put("target", "0.0.0.0").put("mask", 0).put("nexthop", "203.0.113.1")
                .put("source", "0.0.0.0/0");
        s.putArray("dns-server").add("203.0.113.53");
        s.putArray("dns-search");
        s.putArray("neighbors");
        inactive(s);
        s.putObject("data");
        return s;
    }

    /** A DHCPv6 interface (wan6) that is up with one global address and a delegated prefix. */
    public static ObjectNode upDhcpv6(String ipv6, String prefix, int prefixLength) {
        ObjectNode s = common(true, "dhcpv6", "wan");
        s.put("uptime", 5300).put("l3_device", "pppoe-wan");
        s.put("metric", 0).put("dns_metric", 0).put("delegation", true);
        s.putArray("ipv4-address");
        ArrayNode v6 = s.putArray("ipv6-address");
        v6.addObject().put("address", ipv6).put("mask", 64).put("preferred", 3400).put("valid", 7000);
        ObjectNode p = s.putArray("ipv6-prefix").addObject();
        p.put("address", prefix).put("mask", prefixLength).put("preferred", 3400).put("valid", 7000)
                .put("class", "wan6");
        p.putObject("assigned").putObject("lan").put("address", prefix).put("mask", 64);
        s.putArray("ipv6-prefix-assignment");
        s.putArray("route").addObject().put("target", "::").put("mask", 0).put("nexthop", "fe80::1")
                .put("metric", 512).put("valid", 1700).put("source", "2001:db8:100::/56");
        s.putArray("dns-server");
        s.putArray("dns-search");
        s.putArray("neighbors");
        inactive(s);
        s.putObject("data");
        return s;
    }

    /** An interface that is down (or still connecting): netifd sends no l3_device and no address arrays. */
    public static ObjectNode down(String proto) {
        ObjectNode s = common(false, proto, "wan");
        s.putObject("data");
        return s;
    }

    private static ObjectNode common(boolean up, String proto, String device) {
        ObjectNode s = F.objectNode();
        s.put("up", up).put("pending", false).put("available", true).put("autostart", true).put("dynamic", false);
        s.put("proto", proto).put("device", device);
        return s;
    }

    private static void inactive(ObjectNode s) {
        ObjectNode i = s.putObject("inactive");
        for (String k : List.of("ipv4-address", "ipv6-address", "route", "dns-server", "dns-search", "neighbors")) {
            i.putArray(k);
        }
    }

    // --- uhttpd-mod-ubus

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String body = request.getBody() == null ? "" : request.getBody().utf8();
        synchronized (this) {
            requests.add(body);
            MockResponse next = override.poll();
            if (next != null) return next;
        }
        if (!"/ubus".equals(request.getUrl().encodedPath())) {
            // not the ubus prefix: uhttpd's file handler answers
            return new MockResponse.Builder().code(404).setHeader("Content-Type", "text/html")
                    .body("<h1>Not Found</h1>The requested URL was not found on this server.").build();
        }
        if (!"POST".equals(request.getMethod())) {
            return new MockResponse.Builder().code(404).build();
        }
        JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (IOException e) {
            return answer(error(null, -32700, "Parse error"));
        }
        if (req == null || !req.isObject()) return answer(error(null, -32700, "Parse error"));
        JsonNode id = req.get("id");
        if (!"2.0".equals(req.path("jsonrpc").asText(null)) || !req.path("method").isTextual()) {
            return answer(error(id, -32700, "Parse error"));
        }
        if (!req.get("method").textValue().equals("call")) return answer(error(id, -32601, "Method not found"));
        JsonNode p = req.get("params");
        if (p == null || !p.isArray() || p.size() < 4 || !p.get(0).isTextual() || !p.get(1).isTextual()
                || !p.get(2).isTextual() || !p.get(3).isObject()) {
            return answer(error(id, -32700, "Parse error"));
        }
        String sid = p.get(0).textValue();
        String object = p.get(1).textValue();
        String function = p.get(2).textValue();
        JsonNode args = p.get(3);
        if (!object.equals("session") && !(object.startsWith("network.interface.")
                && interfaces.containsKey(object.substring("network.interface.".length())))) {
            return answer(error(id, -32000, "Object not found"));
        }
        if (!allowed(sid, object, function)) return answer(error(id, -32002, "Access denied"));
        if (args.has("ubus_rpc_session")) return answer(error(id, -32602, "Invalid parameters"));
        if (object.equals("session")) {
            if (!function.equals("login")) return answer(result(id, 3, null)); // METHOD_NOT_FOUND in this fake
            return answer(login(id, args));
        }
        calls.incrementAndGet();
        ObjectNode fault = callFaults.poll();
        if (fault != null) {
            return answer(fault.has("status") ? result(id, fault.get("status").intValue(), null)
                    : error(id, fault.get("code").intValue(), fault.get("message").textValue()));
        }
        if (!function.equals("status")) return answer(result(id, 3, null));
        return answer(result(id, 0, interfaces.get(object.substring("network.interface.".length()))));
    }

    private boolean allowed(String sid, String object, String function) {
        if (sid.equals(NULL_SESSION)) return object.equals("session") && function.equals("login");
        String user = sessions.get(sid);
        if (user == null) return false; // expired or never issued
        for (Map.Entry<String, List<String>> e : acls.get(user).entrySet()) {
            String pattern = e.getKey();
            boolean objectMatches = pattern.endsWith("*") ? object.startsWith(pattern.substring(0, pattern.length() - 1))
                    : object.equals(pattern);
            if (objectMatches && e.getValue().contains(function)) return true;
        }
        return false;
    }

    private ObjectNode login(JsonNode id, JsonNode args) {
        logins.incrementAndGet();
        if (!args.path("username").isTextual() || !args.path("password").isTextual()) return result(id, 2, null);
        String user = args.get("username").textValue();
        String expected = passwords.get(user);
        if (expected == null || !expected.equals(args.get("password").textValue())) return result(id, 6, null);
        byte[] b = new byte[16];
        random.nextBytes(b);
        String sid = HexFormat.of().formatHex(b);
        sessions.put(sid, user);
        ObjectNode data = F.objectNode();
        data.put("ubus_rpc_session", sid).put("timeout", 300).put("expires", 300);
        ObjectNode acl = data.putObject("acls");
        ObjectNode groups = acl.putObject("access-group");
        groups.putArray("unauthenticated").add("read");
        groups.putArray("wan-agent").add("read");
        ObjectNode ubus = acl.putObject("ubus");
        acls.get(user).forEach((object, functions) -> {
            ArrayNode a = ubus.putArray(object);
            functions.forEach(a::add);
        });
        data.putObject("data").put("username", user);
        return result(id, 0, data);
    }

    private static ObjectNode result(JsonNode id, int status, ObjectNode data) {
        ObjectNode r = envelope(id);
        ArrayNode result = r.putArray("result").add(status);
        if (data != null) result.add(data);
        return r;
    }

    private static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode r = envelope(id);
        r.putObject("error").put("code", code).put("message", message);
        return r;
    }

    private static ObjectNode envelope(JsonNode id) {
        ObjectNode r = F.objectNode().put("jsonrpc", "2.0");
        r.set("id", id == null ? F.nullNode() : id);
        return r;
    }

    private static MockResponse answer(ObjectNode json) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .body(new Buffer().writeUtf8(json.toString())).build();
    }
}
