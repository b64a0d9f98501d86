package dev.wanagent.pcp;

/**
 * A result code as the router sent it, with its RFC name and what it means for the user.
 *
 * @param protocol which protocol's table the code belongs to
 * @param code     the number on the wire (NAT-PMP: 16 bits, PCP: 8 bits)
 */
public record ResultCode(PortMapProtocol protocol, int code) {
    /** RFC 6886 §3.5. */
    private static final String[][] NATPMP = {
            {"SUCCESS", "success"},
            {"UNSUPPORTED_VERSION", "the router does not support this NAT-PMP version"},
            {"NOT_AUTHORIZED", "the router refused: not authorized (NAT-PMP may be disabled, or this host or port is"
                    + " not allowed to map)"},
            {"NETWORK_FAILURE", "the router has no working WAN connection or no external address yet"},
            {"OUT_OF_RESOURCES", "the router is out of resources (its mapping table is full)"},
            {"UNSUPPORTED_OPCODE", "the router does not support this NAT-PMP request"},
    };
    /** RFC 6887 §7.4. */
    private static final String[][] PCP = {
            {"SUCCESS", "success"},
            {"UNSUPP_VERSION", "the router does not support PCP version 2"},
            {"NOT_AUTHORIZED", "the router refused: not authorized (PCP may not allow this host, port or mapping)"},
            {"MALFORMED_REQUEST", "the router could not parse the request"},
            {"UNSUPP_OPCODE", "the router does not support this PCP opcode"},
            {"UNSUPP_OPTION", "the router does not support a mandatory option in the request"},
            {"MALFORMED_OPTION", "an option in the request was malformed"},
            {"NETWORK_FAILURE", "the router has no working WAN connection or no external address yet"},
            {"NO_RESOURCES", "the router is out of resources (its mapping table is full)"},
            {"UNSUPP_PROTOCOL", "the router does not map this transport protocol"},
            {"USER_EX_QUOTA", "this host has reached its quota of mappings on the router"},
            {"CANNOT_PROVIDE_EXTERNAL", "the router cannot give the suggested external port or address"
                    + " (it is in use, or only exact ports may be mapped)"},
            {"ADDRESS_MISMATCH", "the router saw another source address than the client address in the request"
                    + " (a NAT between this host and the router)"},
            {"EXCESSIVE_REMOTE_PEERS", "the router cannot create the filters asked for"},
    };

    private String[] entry() {
        String[][] table = protocol == PortMapProtocol.PCP ? PCP : NATPMP;
        return code >= 0 && code < table.length ? table[code] : null;
    }

    /** {@code NOT_AUTHORIZED}, or {@code UNKNOWN_RESULT} for a code the RFC does not define. */
    public String name() {
        String[] e = entry();
        return e == null ? "UNKNOWN_RESULT" : e[0];
    }

    /** "PCP result 2 NOT_AUTHORIZED: the router refused: …". */
    public String describe() {
        String[] e = entry();
        return protocol.label() + " result " + code + " " + name() + ": "
                + (e == null ? "a result code the RFC does not define" : e[1]);
    }

    @Override
    public String toString() {
        return describe();
    }
}
