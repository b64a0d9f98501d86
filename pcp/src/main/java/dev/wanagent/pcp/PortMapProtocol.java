package dev.wanagent.pcp;

/** The two protocols on UDP 5351: PCP (RFC 6887, version 2) and its predecessor NAT-PMP (RFC 6886, version 0). */
public enum PortMapProtocol {
    PCP("PCP"),
    NATPMP("NAT-PMP");

    private final String label;

    PortMapProtocol(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
