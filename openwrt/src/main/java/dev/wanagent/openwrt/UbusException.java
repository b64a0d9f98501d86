package dev.wanagent.openwrt;

import java.io.IOException;

/**
 * Everything that can go wrong talking to OpenWrt's ubus over HTTP, with a message that says what and where. A
 * message never holds the password or the session id; text from the router in it is printable and short.
 */
public final class UbusException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure: callers decide on the kind, people read the message. */
    public enum Kind {
        /** No HTTP answer: connection refused, timeout, TLS failure. */
        UNREACHABLE,
        /** An HTTP answer other than 200 (a redirect is never followed). */
        HTTP,
        /** An answer not shaped like uhttpd-mod-ubus's JSON-RPC, or values not shaped like rpcd's or netifd's. */
        BAD_REPLY,
        /** {@code session login} refused (ubus status 6): wrong password or no such login entry. */
        LOGIN_REFUSED,
        /** A call refused after a fresh login (JSON-RPC -32002): the user's ACL lacks it. */
        ACCESS_DENIED,
        /** The ubus object does not exist (JSON-RPC -32000): no such interface. */
        NOT_FOUND,
        /** Any other error the router reported (a ubus status, a JSON-RPC error, a timeout on the router). */
        FAILED
    }

    private final Kind kind;

    UbusException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    UbusException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
