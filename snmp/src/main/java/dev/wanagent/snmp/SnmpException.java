package dev.wanagent.snmp;

import java.io.IOException;

/** The router's SNMP agent did not give what was asked; the message says why in a user's terms. */
public final class SnmpException extends IOException {
    public SnmpException(String message) {
        super(message);
    }
}
