package dev.wanagent.openwrt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wanagent.config.IpLiteral;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads uhttpd-mod-ubus's answers on its JSON-RPC endpoint ({@code POST /ubus}, the "legacy" format, which every
 * uhttpd since 2013 serves), as uhttpd's {@code ubus.c} writes them:
 * <ul>
 *   <li>a call that reached the object: {@code {"jsonrpc":"2.0","id":ID,"result":[STATUS]}} or
 *       {@code "result":[STATUS,{...}]}, STATUS a ubus status (0 OK, 2 INVALID_ARGUMENT, 4 NOT_FOUND,
 *       6 PERMISSION_DENIED, 7 TIMEOUT, ...); rpcd answers a refused {@code session login} with {@code [6]};</li>
 *   <li>a call uhttpd refused itself: {@code {"jsonrpc":"2.0","id":ID,"error":{"code":C,"message":M}}}, C one of
 *       -32700 Parse error, -32600 Invalid request, -32601 Method not found, -32602 Invalid parameters, -32603
 *       Internal error, -32000 Object not found, -32001 Session not found, -32002 Access denied (also for an
 *       expired or unknown session: uhttpd asks rpcd whether the session may call the function), -32003 ubus
 *       request timed out.</li>
 * </ul>
 * Everything here is outside input: any failure is a {@link UbusException} (BAD_REPLY) that says what was wrong,
 * never another exception; router text in messages is masked, printable and short. Addresses are taken only as
 * literals ({@link IpLiteral}: never a name lookup).
 */
final class UbusReplies {
    static final int RPC_OBJECT_NOT_FOUND = -32000;
    static final int RPC_SESSION_NOT_FOUND = -32001;
    static final int RPC_ACCESS_DENIED = -32002;
    static final int RPC_TIMEOUT = -32003;
    static final int STATUS_OK = 0;
    static final int STATUS_PERMISSION_DENIED = 6;
    private static final List<String> STATUS_NAMES = List.of("OK", "INVALID_COMMAND", "INVALID_ARGUMENT",
            "METHOD_NOT_FOUND", "NOT_FOUND", "NO_DATA", "PERMISSION_DENIED", "TIMEOUT", "NOT_SUPPORTED",
            "UNKNOWN_ERROR", "CONNECTION_FAILED", "NO_MEMORY", "PARSE_ERROR", "SYSTEM_ERROR");
    /** rpcd's session ids: 32 hex digits (rpc_validate_sid). */
    private static final Pattern SESSION_ID = Pattern.compile("[0-9A-Fa-f]{32}");
    static final int MAX_SHOWN = 80;

    /** Nesting far beyond netifd's (4 levels) is refused before it costs anything. */
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(100).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private UbusReplies() {
    }

    /** Where an answer came from and what must never be shown: for messages. */
    record Where(String url, List<String> secrets) {
        UbusException bad(String what) {
            return new UbusException(UbusException.Kind.BAD_REPLY, "OpenWrt at " + url + ": " + what);
        }

        /** Router text for a message: secrets masked, printable, at most {@value #MAX_SHOWN} characters, quoted. */
        String shown(String text) {
            return "'" + RouterText.shown(text, MAX_SHOWN, secrets) + "'";
        }
    }

    /**
     * One JSON-RPC answer: either a JSON-RPC error ({@code rpcError} non-zero, {@code rpcMessage}) or a result
     * ({@code status}, and {@code data} when the call returned an object, else null).
     */
    record Answer(int rpcError, String rpcMessage, int status, JsonNode data) {
        boolean isRpcError() {
            return rpcError != 0;
        }
    }

    /** The JSON-RPC envelope of one answer to the request with {@code id}. */
    static Answer answer(byte[] body, long id, Where where) throws UbusException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception e) { // Jackson's own, or anything it lets through: the answer is not usable JSON
            throw where.bad("the answer is not JSON-RPC (not JSON: " + where.shown(start(body)) + ")");
        }
        if (root == null || !root.isObject()) {
            throw where.bad("the answer is not JSON-RPC (not a JSON object: " + where.shown(start(body)) + ")");
        }
        JsonNode idNode = root.get("id");
        if (idNode == null || !idNode.isIntegralNumber() || !idNode.canConvertToLong() || idNode.longValue() != id) {
            throw where.bad("the answer is not to this request (its id is "
                    + (idNode == null ? "missing" : where.shown(idNode.toString())) + ", not " + id + ")");
        }
        JsonNode error = root.get("error");
        if (error != null && !error.isNull()) {
            if (!error.isObject()) throw where.bad("the JSON-RPC error is not an object");
            JsonNode code = error.get("code");
            if (code == null || !code.isIntegralNumber() || !code.canConvertToInt() || code.intValue() == 0) {
                throw where.bad("the JSON-RPC error has no valid code");
            }
            JsonNode message = error.get("message");
            return new Answer(code.intValue(), message != null && message.isTextual() ? message.textValue() : "",
                    STATUS_OK, null);
        }
        JsonNode result = root.get("result");
        if (result == null || !result.isArray() || result.isEmpty() || result.size() > 2) {
            throw where.bad("the answer has neither an error nor a result [status] or [status, data]");
        }
        JsonNode status = result.get(0);
        if (!status.isIntegralNumber() || !status.canConvertToInt() || status.intValue() < 0) {
            throw where.bad("the result's status is not a ubus status code (" + where.shown(status.toString()) + ")");
        }
        JsonNode data = result.size() == 2 ? result.get(1) : null;
        if (data != null && !data.isObject()) {
            throw where.bad("the result's data is not an object");
        }
        return new Answer(STATUS_OK, "", status.intValue(), data);
    }

    /** The session id in rpcd's answer to {@code session login}: never shown, whatever it is. */
    static String sessionId(JsonNode data, Where where) throws UbusException {
        JsonNode sid = data == null ? null : data.get("ubus_rpc_session");
        if (sid == null || !sid.isTextual() || !SESSION_ID.matcher(sid.textValue()).matches()
                || sid.textValue().equals(UbusClient.NULL_SESSION)) {
            throw where.bad("the login answer has no session id (ubus_rpc_session is not 32 hex digits)");
        }
        return sid.textValue();
    }

    /** netifd's {@code network.interface.<name> status} object. */
    static InterfaceStatus interfaceStatus(JsonNode data, String name, Where where) throws UbusException {
        String what = "the status of interface " + name + " ";
        if (data == null || !data.isObject()) throw where.bad(what + "is not an object");
        JsonNode up = data.get("up");
        if (up == null || !up.isBoolean()) throw where.bad(what + "has no up: true/false");
        Optional<String> l3 = Optional.empty();
        JsonNode l3Device = data.get("l3_device");
        if (l3Device != null && !l3Device.isNull()) {
            if (!l3Device.isTextual()) throw where.bad(what + "has an l3_device that is not text");
            l3 = Optional.of(RouterText.shown(l3Device.textValue(), 64, where.secrets()));
        }
        List<Inet4Address> v4 = new ArrayList<>();
        for (JsonNode e : entries(data, "ipv4-address", what, where)) {
            String text = address(e, "ipv4-address", what, where);
            v4.add(IpLiteral.ipv4(text).orElseThrow(() ->
                    where.bad(what + "has an ipv4-address " + where.shown(text) + " that is not an IPv4 address")));
        }
        List<Inet6Address> v6 = new ArrayList<>();
        for (JsonNode e : entries(data, "ipv6-address", what, where)) {
            String text = address(e, "ipv6-address", what, where);
            v6.add(ipv6(text).orElseThrow(() ->
                    where.bad(what + "has an ipv6-address " + where.shown(text) + " that is not an IPv6 address")));
        }
        List<InterfaceStatus.Prefix> prefixes = new ArrayList<>();
        for (JsonNode e : entries(data, "ipv6-prefix", what, where)) {
            String text = address(e, "ipv6-prefix", what, where);
            Inet6Address a = ipv6(text).orElseThrow(() ->
                    where.bad(what + "has an ipv6-prefix " + where.shown(text) + " that is not an IPv6 address"));
            JsonNode mask = e.get("mask");
            if (mask == null || !mask.isIntegralNumber() || !mask.canConvertToInt() || mask.intValue() < 0
                    || mask.intValue() > 128) {
                throw where.bad(what + "has an ipv6-prefix without a mask of 0-128");
            }
            prefixes.add(new InterfaceStatus.Prefix(a, mask.intValue()));
        }
        return new InterfaceStatus(up.booleanValue(), l3, v4, v6, prefixes);
    }

    /** The objects of an address array; an absent array (an interface that is down) is empty. */
    private static List<JsonNode> entries(JsonNode data, String key, String what, Where where) throws UbusException {
        JsonNode a = data.get(key);
        if (a == null || a.isNull()) return List.of();
        if (!a.isArray()) throw where.bad(what + "has a " + key + " that is not a list");
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : a) {
            if (!e.isObject()) throw where.bad(what + "has a " + key + " entry that is not an object");
            out.add(e);
        }
        return out;
    }

    private static String address(JsonNode entry, String key, String what, Where where) throws UbusException {
        JsonNode a = entry.get("address");
        if (a == null || !a.isTextual()) throw where.bad(what + "has a " + key + " entry without an address");
        return a.textValue();
    }

    /** An IPv6 literal, parsed without any lookup; an IPv4-mapped one ({@code ::ffff:1.2.3.4}) is not IPv6 here. */
    private static Optional<Inet6Address> ipv6(String text) {
        return IpLiteral.parse(text).filter(a -> a instanceof Inet6Address).map(a -> (Inet6Address) a);
    }

    /** {@code 6 (PERMISSION_DENIED)}. */
    static String statusName(int status) {
        return status + (status >= 0 && status < STATUS_NAMES.size() ? " (" + STATUS_NAMES.get(status) + ")" : "");
    }

    /** The first bytes of an answer as text, for a message (shown() makes it safe). */
    private static String start(byte[] body) {
        int n = Math.min(body.length, MAX_SHOWN * 4);
        String s = new String(body, 0, n, StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? "(empty)" : s;
    }
}
