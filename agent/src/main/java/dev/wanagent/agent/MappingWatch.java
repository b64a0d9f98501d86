package dev.wanagent.agent;

import java.util.HashSet;
import java.util.Set;

/**
 * Turns what a pass does to each mapping into {@link Events}, once per change: a mapping the agent held that the
 * router no longer has, or that fails, is lost (once, however many passes it stays so); it is restored when it is
 * held again. Shared by the UPnP and the PCP reconcilers; called under their locks.
 */
final class MappingWatch {
    private final Events events;
    /** Mappings the router granted at least once. */
    private final Set<String> held = new HashSet<>();
    private final Set<String> lost = new HashSet<>();

    MappingWatch(Events events) {
        this.events = events;
    }

    /** The router granted it anew (created, or created again after a loss). */
    void created(String name, String detail) {
        held.add(name);
        if (lost.remove(name)) events.mappingRestored(name, detail, true);
    }

    /** The router extended its lease. */
    void renewed(String name, String detail) {
        events.mappingRenewed(name);
        confirmed(name, detail);
    }

    /** It is in place and nothing had to be done. */
    void confirmed(String name, String detail) {
        held.add(name);
        if (lost.remove(name)) events.mappingRestored(name, detail, false);
    }

    boolean isLost(String name) {
        return lost.contains(name);
    }

    /** The router no longer has it (it restarted or dropped it). */
    void missing(String name, String detail) {
        if (lost.add(name)) events.mappingLost(name, detail);
    }

    /** It could not be checked or granted; lost only if it was held. */
    void failed(String name, String detail) {
        if (held.contains(name) && lost.add(name)) events.mappingLost(name, detail);
    }
}
