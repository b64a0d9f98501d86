package dev.wanagent.config;

/**
 * High availability ({@code ha}): two or more LAN hosts keep the same mappings; the router's lease is the lock.
 *
 * @param enabled      default false
 * @param leaseSeconds the lease asked for every mapping while HA is on (default 30), renewed at a third of it: a
 *                     dead active host's mappings lapse within it, and a standby takes them
 */
public record HaConfig(boolean enabled, int leaseSeconds) {
    public static final int DEFAULT_LEASE_SECONDS = 30;
    public static final int MIN_LEASE_SECONDS = 10;
    public static final int MAX_LEASE_SECONDS = 3600;

    public static HaConfig disabled() {
        return new HaConfig(false, DEFAULT_LEASE_SECONDS);
    }
}
