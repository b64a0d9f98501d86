package dev.wanagent.snmp;

import java.util.Optional;

/**
 * How to reach the router's SNMP agent. For v2c, {@code community}; for v3, {@code user} with SHA/SHA-256
 * authentication and optional AES privacy (authNoPriv when {@code privPassphrase} is empty).
 */
public record SnmpTarget(
        String host,
        int port,
        Version version,
        String community,
        String user,
        Auth auth,
        String authPassphrase,
        Optional<Priv> priv,
        String privPassphrase,
        long timeoutMillis,
        int retries) {

    public enum Version { V2C, V3 }

    public enum Auth { SHA, SHA256 }

    public enum Priv { AES128, AES256 }

    @Override
    public String toString() {
        return "SnmpTarget[" + host + ":" + port + " " + version + (version == Version.V3 ? " user " + user : "") + "]";
    }
}
