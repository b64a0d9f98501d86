package dev.wanagent.pcp;

/** The transport protocol of a mapping: its IANA number (PCP) and NAT-PMP opcode. */
public enum Transport {
    TCP(6, 2),
    UDP(17, 1);

    final int ianaNumber;
    final int natpmpOpcode;

    Transport(int ianaNumber, int natpmpOpcode) {
        this.ianaNumber = ianaNumber;
        this.natpmpOpcode = natpmpOpcode;
    }
}
