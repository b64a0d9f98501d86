package dev.wanagent.openwrt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wanagent.config.Secret;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * OpenWrt's ubus over HTTP (uhttpd-mod-ubus, {@code POST http://<router>/ubus}, JSON-RPC 2.0), read-only: logs in
 * with {@code session login} as an rpcd user and reads {@code network.interface.<name> status} from netifd.
 *
 * <p>The session is kept and reused; when a call is refused with access denied (JSON-RPC -32002, which is also
 * what an expired session gets) or ubus status 6, the client logs in again and repeats the call, once per call. A
 * refusal right after a fresh login is the user's ACL, and says so.
 *
 * <p>One OkHttp client for the module: short timeouts, no redirects (one would carry the password elsewhere), and
 * answers capped at {@value #MAX_REPLY_BYTES} bytes. Every failure is a {@link UbusException}; no message holds the
 * password or the session id.
 */
public final class UbusClient {
    public static final int MAX_REPLY_BYTES = 256 * 1024;
    /** The session uhttpd-mod-ubus and rpcd use before login: it may call {@code session login} only. */
    static final String NULL_SESSION = "00000000000000000000000000000000";
    /** netifd's interface names are UCI section names: letters, digits and underscores. */
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    static final OkHttpClient HTTP = new OkHttpClient.Builder()
            .connectTimeout(Duration.ofSeconds(2))
            .readTimeout(Duration.ofSeconds(5))
            .writeTimeout(Duration.ofSeconds(5))
            .callTimeout(Duration.ofSeconds(10))
            .followRedirects(false)
            .followSslRedirects(false)
            .retryOnConnectionFailure(false)
            .build();

    private final HttpUrl url;
    private final String username;
    private final Secret password;
    private final OkHttpClient http;
    private final String shownUrl;
    private String session; // guarded by this; null until logged in
    private long nextId = 1;

    /**
     * @param url      the ubus endpoint, e.g. {@code http://192.168.1.1/ubus}
     * @param username an rpcd login ({@code config login} in /etc/config/rpcd)
     */
    public UbusClient(HttpUrl url, String username, Secret password) {
        this(url, username, password, HTTP);
    }

    /** With another OkHttp client (tests); it should not follow redirects either. */
    UbusClient(HttpUrl url, String username, Secret password, OkHttpClient http) {
        this.url = Objects.requireNonNull(url, "url");
        this.username = Objects.requireNonNull(username, "username");
        this.password = Objects.requireNonNull(password, "password");
        this.http = http;
        this.shownUrl = shown(url);
    }

    public HttpUrl url() {
        return url;
    }

    public String username() {
        return username;
    }

    /** The endpoint as shown in messages: {@code scheme://host[:port]/path}, never userinfo or query. */
    public String shownUrl() {
        return shownUrl;
    }

    /** {@code ubus call network.interface.<name> status}. */
    public synchronized InterfaceStatus interfaceStatus(String name) throws UbusException {
        if (!INTERFACE.matcher(name).matches()) {
            throw new IllegalArgumentException("not an OpenWrt interface name: " + RouterText.printable(name, 64));
        }
        JsonNode data = call("network.interface." + name, "status");
        return UbusReplies.interfaceStatus(data, name, where());
    }

    /** Whether a session is held (tests). */
    synchronized boolean hasSession() {
        return session != null;
    }

    /** Calls {@code object function {}} with the session, logging in first or again as needed; the result's data. */
    private JsonNode call(String object, String function) throws UbusException {
        boolean fresh = false;
        if (session == null) {
            session = login();
            fresh = true;
        }
        UbusReplies.Answer a = post(session, object, function, UbusReplies.JSON.createObjectNode());
        if (denied(a) && !fresh) { // expired, or rpcd restarted: a new session, and the call once more
            session = null;
            session = login();
            a = post(session, object, function, UbusReplies.JSON.createObjectNode());
        }
        String what = "ubus call " + object + " " + function;
        if (denied(a)) {
            throw new UbusException(UbusException.Kind.ACCESS_DENIED, "OpenWrt at " + shownUrl + ": user "
                    + quotedUser() + " may not " + what + " (access denied right after login): its rpcd ACL must"
                    + " grant ubus " + object + " " + function + " (see /usr/share/rpcd/acl.d/ and the user's 'read'"
                    + " list in /etc/config/rpcd)");
        }
        if (a.rpcError() == UbusReplies.RPC_OBJECT_NOT_FOUND) {
            throw new UbusException(UbusException.Kind.NOT_FOUND, "OpenWrt at " + shownUrl + " has no ubus object "
                    + object + (object.startsWith("network.interface.") ? " (no interface "
                    + object.substring("network.interface.".length()) + "; 'ubus list network.interface.*' on the"
                    + " router lists them)" : ""));
        }
        if (a.isRpcError()) throw rpcFailure(a, what);
        if (a.status() != UbusReplies.STATUS_OK) {
            throw new UbusException(UbusException.Kind.FAILED, "OpenWrt at " + shownUrl + ": " + what
                    + " failed with ubus status " + UbusReplies.statusName(a.status()));
        }
        if (a.data() == null) throw where().bad(what + " answered no data");
        return a.data();
    }

    /** Access denied (also an expired session), session not found, or ubus status 6 PERMISSION_DENIED. */
    private static boolean denied(UbusReplies.Answer a) {
        return a.rpcError() == UbusReplies.RPC_ACCESS_DENIED || a.rpcError() == UbusReplies.RPC_SESSION_NOT_FOUND
                || !a.isRpcError() && a.status() == UbusReplies.STATUS_PERMISSION_DENIED;
    }

    /** {@code session login} with the null session; the new session's id. */
    private String login() throws UbusException {
        ObjectNode args = UbusReplies.JSON.createObjectNode().put("username", username).put("password", password.reveal());
        UbusReplies.Answer a = post(NULL_SESSION, "session", "login", args);
        if (a.rpcError() == UbusReplies.RPC_OBJECT_NOT_FOUND) {
            throw new UbusException(UbusException.Kind.FAILED, "OpenWrt at " + shownUrl + " has no ubus object"
                    + " 'session' (is rpcd running?)");
        }
        if (a.rpcError() == UbusReplies.RPC_ACCESS_DENIED) {
            throw new UbusException(UbusException.Kind.FAILED, "OpenWrt at " + shownUrl + " does not let anyone"
                    + " log in (session login is denied to the null session: rpcd's 'unauthenticated' ACL is missing)");
        }
        if (a.isRpcError()) throw rpcFailure(a, "session login as user " + quotedUser());
        if (a.status() == UbusReplies.STATUS_PERMISSION_DENIED) {
            throw new UbusException(UbusException.Kind.LOGIN_REFUSED, "OpenWrt at " + shownUrl + " refused the"
                    + " login of user " + quotedUser() + " (ubus status 6: wrong password, or no 'config login'"
                    + " entry with that username in /etc/config/rpcd)");
        }
        if (a.status() != UbusReplies.STATUS_OK) {
            throw new UbusException(UbusException.Kind.FAILED, "OpenWrt at " + shownUrl + ": session login as user "
                    + quotedUser() + " failed with ubus status " + UbusReplies.statusName(a.status()));
        }
        return UbusReplies.sessionId(a.data(), where());
    }

    private UbusException rpcFailure(UbusReplies.Answer a, String what) {
        String message = a.rpcError() == UbusReplies.RPC_TIMEOUT ? "the ubus call timed out on the router"
                : "JSON-RPC error " + a.rpcError() + " " + where().shown(a.rpcMessage());
        return new UbusException(UbusException.Kind.FAILED, "OpenWrt at " + shownUrl + ": " + what + ": " + message);
    }

    /** One JSON-RPC request {@code call [sid, object, function, args]} and its answer's envelope. */
    private UbusReplies.Answer post(String sid, String object, String function, ObjectNode args) throws UbusException {
        long id = nextId++;
        ObjectNode request = UbusReplies.JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id)
                .put("method", "call");
        ArrayNode params = request.putArray("params");
        params.add(sid).add(object).add(function).add(args);
        byte[] body;
        try {
            body = UbusReplies.JSON.writeValueAsBytes(request);
        } catch (IOException e) { // cannot happen for a tree of strings
            throw new UbusException(UbusException.Kind.FAILED, "cannot write a JSON-RPC request", e);
        }
        Request r = new Request.Builder().url(url).post(RequestBody.create(body, JSON_TYPE))
                .header("Accept", "application/json").build();
        try (Response response = http.newCall(r).execute()) {
            int code = response.code();
            if (code >= 300 && code < 400) {
                String location = response.header("Location");
                HttpUrl target = location == null ? null : url.resolve(location);
                throw new UbusException(UbusException.Kind.HTTP, "OpenWrt at " + shownUrl + " answered HTTP " + code
                        + " (a redirect" + (target == null ? "" : " to " + RouterText.shown(shown(target), 200,
                        secrets())) + "), which is not followed: use the final URL as the ubus url");
            }
            byte[] bytes = readCapped(response.body());
            if (code != 200) {
                throw new UbusException(UbusException.Kind.HTTP, "OpenWrt at " + shownUrl + " answered HTTP " + code
                        + (code == 404 ? " (no ubus here: is uhttpd-mod-ubus installed, and is the path /ubus?)" : ""));
            }
            return UbusReplies.answer(bytes, id, where());
        } catch (UbusException e) {
            throw e;
        } catch (IOException e) {
            throw new UbusException(UbusException.Kind.UNREACHABLE, "cannot reach OpenWrt at " + shownUrl + " ("
                    + RouterText.shown(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), 200,
                    secrets()) + ")", e);
        }
    }

    private byte[] readCapped(ResponseBody body) throws IOException {
        long declared = body.contentLength();
        if (declared > MAX_REPLY_BYTES) {
            throw where().bad("the answer is " + declared + " bytes, over the " + MAX_REPLY_BYTES + " byte limit");
        }
        BufferedSource source = body.source();
        Buffer buffer = new Buffer();
        while (buffer.size() <= MAX_REPLY_BYTES) {
            if (source.read(buffer, 8192) == -1) return buffer.readByteArray();
        }
        throw where().bad("the answer is over the " + MAX_REPLY_BYTES + " byte limit");
    }

    private List<String> secrets() {
        String p = password.reveal();
        // the password as sent (inside JSON), and as a router might echo it; the session id
        return session == null ? List.of(p, jsonEscaped(p)) : List.of(p, jsonEscaped(p), session);
    }

    private UbusReplies.Where where() {
        return new UbusReplies.Where(shownUrl, secrets());
    }

    private String quotedUser() {
        return "'" + RouterText.printable(username, 64) + "'";
    }

    private static String jsonEscaped(String s) {
        String quoted = UbusReplies.JSON.getNodeFactory().textNode(s).toString();
        return quoted.substring(1, quoted.length() - 1);
    }

    private static String shown(HttpUrl u) {
        String host = u.host().indexOf(':') >= 0 ? "[" + u.host() + "]" : u.host();
        return u.scheme() + "://" + host + (u.port() == HttpUrl.defaultPort(u.scheme()) ? "" : ":" + u.port())
                + u.encodedPath();
    }
}
