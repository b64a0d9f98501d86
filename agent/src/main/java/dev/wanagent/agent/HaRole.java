package dev.wanagent.agent;

import java.util.Locale;

/**
 * A host's part in high availability: what {@link HaLock} decides from (ACTIVE or STANDBY), and what the status
 * page, the state file and {@code status} print.
 */
enum HaRole {
    /** Holds every mapping and pushes DNS. */
    ACTIVE,
    /** Watches the mappings another host holds (or that are free after a router restart). */
    STANDBY,
    /** The router grants only permanent leases (725): HA cannot work, this host keeps the mappings alone. */
    SINGLE;

    /** The word used in output and files: active, standby, single. */
    String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
