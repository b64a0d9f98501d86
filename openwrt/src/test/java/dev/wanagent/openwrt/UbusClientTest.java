package dev.wanagent.openwrt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wanagent.config.Secret;
import mockwebserver3.MockResponse;
import okhttp3.HttpUrl;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client against the fake router ({@link FakeUbus}): the documented requests, answers and failures. */
class UbusClientTest {
    private static final String USER = "wan-agent";
    private static final String PASSWORD = "pw-S3cret!";
    private static final ObjectMapper JSON = new ObjectMapper();
    private FakeUbus router;
    private UbusClient client;

    @BeforeEach
    void start() throws Exception {
        router = FakeUbus.start(USER, PASSWORD);
        client = new UbusClient(router.url(), USER, new Secret(PASSWORD));
    }

    @AfterEach
    void stop() {
        router.close();
    }

    private UbusException fails(String iface) {
        return assertThrows(UbusException.class, () -> client.interfaceStatus(iface));
    }

    /** A message is one printable line without the password or any session id. */
    private static void assertClean(UbusException e) {
        String m = e.getMessage();
        assertFalse(m.contains(PASSWORD), m);
        assertFalse(m.matches("(?s).*[0-9a-f]{32}.*"), "no session id: " + m);
        assertTrue(m.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '…'), m);
        assertTrue(m.length() < 600, m);
    }

    @Test
    void logsInOnceAndReadsTheStatusAsDocumented() throws Exception {
        InterfaceStatus wan = client.interfaceStatus("wan");
        assertTrue(wan.up());
        assertEquals(Optional.of("pppoe-wan"), wan.l3Device());
        assertEquals(List.of(InetAddress.getByName("203.0.113.7")), wan.ipv4());
        assertEquals(List.of(), wan.ipv6());
        InterfaceStatus wan6 = client.interfaceStatus("wan6");
        assertEquals(List.of(InetAddress.getByName("2001:db8:0:1::2")), wan6.ipv6());
        assertEquals("[2001:db8:100:0:0:0:0:0/56]", wan6.ipv6Prefixes().toString());
        assertEquals(1, router.logins(), "the session is reused");
        assertEquals(2, router.calls());

        List<String> sent = router.requests();
        JsonNode login = JSON.readTree(sent.get(0));
        assertEquals("2.0", login.get("jsonrpc").textValue());
        assertEquals("call", login.get("method").textValue());
        assertEquals(FakeUbus.NULL_SESSION, login.get("params").get(0).textValue());
        assertEquals("session", login.get("params").get(1).textValue());
        assertEquals("login", login.get("params").get(2).textValue());
        assertEquals(JSON.readTree("{\"username\":\"wan-agent\",\"password\":\"pw-S3cret!\"}"), login.get("params").get(3));
        JsonNode status = JSON.readTree(sent.get(1));
        assertTrue(status.get("params").get(0).textValue().matches("[0-9a-f]{32}"), "the session from the login");
        assertEquals("network.interface.wan", status.get("params").get(1).textValue());
        assertEquals("status", status.get("params").get(2).textValue());
        assertEquals(JSON.createObjectNode(), status.get("params").get(3));
        assertFalse(sent.get(1).contains(PASSWORD), "the password goes only into the login");
    }

    @Test
    void aWrongPasswordIsAClearErrorThatNamesTheUser() {
        client = new UbusClient(router.url(), USER, new Secret("wrong-" + PASSWORD));
        UbusException e = fails("wan");
        assertEquals(UbusException.Kind.LOGIN_REFUSED, e.kind());
        assertEquals("OpenWrt at " + router.url() + " refused the login of user 'wan-agent' (ubus status 6: wrong"
                + " password, or no 'config login' entry with that username in /etc/config/rpcd)", e.getMessage());
        assertFalse(e.getMessage().contains("wrong-"), "the password is never shown");
        assertFalse(client.hasSession());
        assertEquals(0, router.calls());
    }

    @Test
    void anUnknownUserGetsTheSameAnswerAsAWrongPassword() {
        client = new UbusClient(router.url(), "nobody", new Secret(PASSWORD));
        UbusException e = fails("wan");
        assertEquals(UbusException.Kind.LOGIN_REFUSED, e.kind());
        assertTrue(e.getMessage().contains("user 'nobody'"), e.getMessage());
        assertClean(e);
    }

    @Test
    void anInterfaceThatIsDownHasNoAddressesAndIsNoError() throws Exception {
        router.setInterface("wan", FakeUbus.down("pppoe"));
        InterfaceStatus wan = client.interfaceStatus("wan");
        assertFalse(wan.up());
        assertEquals(Optional.empty(), wan.l3Device());
        assertEquals(List.of(), wan.ipv4());
        assertEquals(List.of(), wan.ipv6());
        assertEquals(List.of(), wan.ipv6Prefixes());
    }

    @Test
    void anUnknownInterfaceIsObjectNotFound() {
        UbusException e = fails("wan9");
        assertEquals(UbusException.Kind.NOT_FOUND, e.kind());
        assertEquals("OpenWrt at " + router.url() + " has no ubus object network.interface.wan9 (no interface wan9;"
                + " 'ubus list network.interface.*' on the router lists them)", e.getMessage());
    }

    @Test
    void anExpiredSessionMeansOneNewLoginAndTheCallAgain() throws Exception {
        client.interfaceStatus("wan");
        router.expireSessions(); // uhttpd answers -32002 Access denied for a session rpcd no longer has
        assertEquals(List.of(InetAddress.getByName("203.0.113.7")), client.interfaceStatus("wan").ipv4());
        assertEquals(2, router.logins());
        assertEquals(1, router.sessionCount());
        client.interfaceStatus("wan");
        assertEquals(2, router.logins(), "the new session is kept");
    }

    @Test
    void accessDeniedOnceIsANewLoginAndTheCallAgain() throws Exception {
        client.interfaceStatus("wan");
        router.nextCallError(-32002, "Access denied");
        assertTrue(client.interfaceStatus("wan").up());
        assertEquals(2, router.logins());
    }

    @Test
    void ubusStatusSixOnACallIsTreatedLikeAccessDenied() throws Exception {
        client.interfaceStatus("wan");
        router.nextCallStatus(6);
        assertTrue(client.interfaceStatus("wan").up());
        assertEquals(2, router.logins());
    }

    @Test
    void accessDeniedAfterAFreshLoginIsTheAclAndSaysSo() throws Exception {
        client.interfaceStatus("wan");
        router.revokeAcl(USER);
        UbusException e = fails("wan");
        assertEquals(UbusException.Kind.ACCESS_DENIED, e.kind());
        assertEquals(2, router.logins(), "one new login per call, no more");
        assertTrue(e.getMessage().contains("user 'wan-agent' may not ubus call network.interface.wan status"),
                e.getMessage());
        assertTrue(e.getMessage().contains("/usr/share/rpcd/acl.d/"), e.getMessage());
        assertClean(e);

        UbusClient fresh = new UbusClient(router.url(), USER, new Secret(PASSWORD));
        assertEquals(UbusException.Kind.ACCESS_DENIED,
                assertThrows(UbusException.class, () -> fresh.interfaceStatus("wan")).kind());
        assertEquals(3, router.logins(), "right after a login, access denied is not worth another login");
    }

    @Test
    void otherRouterErrorsAreNamed() {
        router.nextCallStatus(7);
        UbusException timeout = fails("wan");
        assertEquals(UbusException.Kind.FAILED, timeout.kind());
        assertTrue(timeout.getMessage().endsWith("ubus call network.interface.wan status failed with ubus status"
                + " 7 (TIMEOUT)"), timeout.getMessage());
        router.nextCallError(-32003, "ubus request timed out");
        assertTrue(fails("wan").getMessage().endsWith("the ubus call timed out on the router"));
        router.nextCallError(-32603, "Internal error\u001b[2J");
        UbusException internal = fails("wan");
        assertTrue(internal.getMessage().endsWith("JSON-RPC error -32603 'Internal error?[2J'"), internal.getMessage());
    }

    @Test
    void garbageIsABadReplyAndShownSafely() {
        router.answerNext(json("\u0000\u001b[2Jnot json at all\r\n[INFO] forged"));
        UbusException e = fails("wan");
        assertEquals(UbusException.Kind.BAD_REPLY, e.kind());
        assertTrue(e.getMessage().contains("the answer is not JSON-RPC (not JSON: "), e.getMessage());
        assertClean(e);
    }

    @Test
    void aHugeAnswerIsRefusedWhetherDeclaredOrChunked() {
        String huge = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[0,{\"x\":\"" + "a".repeat(300_000) + "\"}]}";
        router.answerNext(json(huge));
        UbusException declared = fails("wan");
        assertEquals(UbusException.Kind.BAD_REPLY, declared.kind());
        assertTrue(declared.getMessage().contains("over the 262144 byte limit"), declared.getMessage());
        router.answerNext(new MockResponse.Builder().code(200).chunkedBody(huge, 4096).build());
        UbusException chunked = fails("wan");
        assertTrue(chunked.getMessage().contains("over the 262144 byte limit"), chunked.getMessage());
    }

    @Test
    void anHtmlErrorPageIsNotJsonRpc() {
        router.answerNext(new MockResponse.Builder().code(500).setHeader("Content-Type", "text/html")
                .body("<html><body><h1>500 Internal Server Error</h1></body></html>").build());
        UbusException e500 = fails("wan");
        assertEquals(UbusException.Kind.HTTP, e500.kind());
        assertEquals("OpenWrt at " + router.url() + " answered HTTP 500", e500.getMessage());
        router.answerNext(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/html")
                .body("<html><body>Login required</body></html>").build());
        UbusException e200 = fails("wan");
        assertEquals(UbusException.Kind.BAD_REPLY, e200.kind());
        assertTrue(e200.getMessage().contains("'<html><body>Login required</body></html>'"), e200.getMessage());
    }

    @Test
    void aWrongPathIsHttp404WithAHint() {
        client = new UbusClient(router.url().resolve("/cgi-bin/luci"), USER, new Secret(PASSWORD));
        UbusException e = fails("wan");
        assertEquals(UbusException.Kind.HTTP, e.kind());
        assertTrue(e.getMessage().contains("answered HTTP 404 (no ubus here: is uhttpd-mod-ubus installed"),
                e.getMessage());
    }

    @Test
    void aRedirectIsNeverFollowedAndItsTargetShownWithoutQuery() {
        router.answerNext(new MockResponse.Builder().code(302)
                .setHeader("Location", "https://elsewhere.example/ubus?token=abc").build());
        UbusException e = fails("wan");
        assertEquals(UbusException.Kind.HTTP, e.kind());
        assertTrue(e.getMessage().contains("answered HTTP 302 (a redirect to https://elsewhere.example/ubus),"
                + " which is not followed"), e.getMessage());
        assertEquals(1, router.requests().size(), "nothing sent to the redirect's target");
    }

    @Test
    void anAnswerThatEchoesThePasswordOrSessionIsMasked() throws Exception {
        router.answerNext(json("bad request: {\"username\":\"wan-agent\",\"password\":\"" + PASSWORD + "\"}"));
        UbusException e = fails("wan");
        assertTrue(e.getMessage().contains("\"password\":\"****\""), e.getMessage());
        assertClean(e);

        client.interfaceStatus("wan");
        String sid = JSON.readTree(router.requests().get(router.requests().size() - 1)).get("params").get(0)
                .textValue();
        router.nextCallError(-32602, "Invalid parameters for " + sid);
        UbusException echo = fails("wan");
        assertTrue(echo.getMessage().contains("Invalid parameters for ****"), echo.getMessage());
        assertClean(echo);
    }

    @Test
    void anAnswerToAnotherRequestIsRefused() {
        router.answerNext(json("{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":[0,{}]}"));
        UbusException e = fails("wan");
        assertEquals(UbusException.Kind.BAD_REPLY, e.kind());
        assertTrue(e.getMessage().contains("the answer is not to this request (its id is '99', not 1)"), e.getMessage());
    }

    @Test
    void aLoginAnswerWithoutAUsableSessionIdIsABadReply() {
        router.answerNext(json("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[0,{\"ubus_rpc_session\":\"../../etc\"}]}"));
        UbusException e = fails("wan");
        assertEquals(UbusException.Kind.BAD_REPLY, e.kind());
        assertTrue(e.getMessage().endsWith("the login answer has no session id (ubus_rpc_session is not 32 hex digits)"));
        assertFalse(e.getMessage().contains("etc"));
    }

    @Test
    void anAddressThatIsNotALiteralIsABadReplyAndNeverLookedUp() {
        router.setInterface("wan", FakeUbus.upPppoe("localhost"));
        UbusException e = fails("wan");
        assertEquals(UbusException.Kind.BAD_REPLY, e.kind());
        assertTrue(e.getMessage().contains("has an ipv4-address 'localhost' that is not an IPv4 address"),
                e.getMessage());
    }

    @Test
    void noRouterIsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        client = new UbusClient(HttpUrl.get("http://127.0.0.1:" + port + "/ubus"), USER, new Secret(PASSWORD));
        UbusException e = fails("wan");
        assertEquals(UbusException.Kind.UNREACHABLE, e.kind());
        assertTrue(e.getMessage().startsWith("cannot reach OpenWrt at http://127.0.0.1:" + port + "/ubus ("),
                e.getMessage());
    }

    @Test
    void interfaceNamesAreUciNames() {
        assertThrows(IllegalArgumentException.class, () -> client.interfaceStatus("wan.*"));
        assertThrows(IllegalArgumentException.class, () -> client.interfaceStatus(""));
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .body(new Buffer().writeUtf8(body)).build();
    }
}
