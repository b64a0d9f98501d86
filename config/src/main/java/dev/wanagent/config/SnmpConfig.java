package dev.wanagent.config;

import java.time.Duration;
import java.util.Optional;

/**
 * SNMP source (v2c community or v3 USM).
 *
 * @param version      v2c or v3
 * @param wanInterface ifName or ifDescr of the WAN interface; empty = the default route's interface
 * @param trapPort     UDP port for the router's linkUp/linkDown traps (v2c, checked against community)
 */
public record SnmpConfig(
        boolean enabled,
        String host,
        int port,
        Version version,
        Optional<Secret> community,
        Optional<String> user,
        Optional<AuthProtocol> authProtocol,
        Optional<Secret> authPassphrase,
        Optional<PrivProtocol> privProtocol,
        Optional<Secret> privPassphrase,
        Optional<String> wanInterface,
        Duration timeout,
        int retries,
        Optional<Integer> trapPort) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(1500);
    public static final int DEFAULT_RETRIES = 1;

    public enum Version { V2C, V3 }

    public enum AuthProtocol { SHA, SHA256 }

    public enum PrivProtocol { AES128, AES256 }

    public static SnmpConfig disabled() {
        return new SnmpConfig(false, "", 161, Version.V2C, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_TIMEOUT, DEFAULT_RETRIES, Optional.empty());
    }
}
