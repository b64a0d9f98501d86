package dev.wanagent.agent;

import dev.wanagent.config.HaConfig;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * High availability with the router as the lock: a port mapping belongs to one LAN host at a time and lapses when
 * its lease is not renewed. This decides, from what the router holds now, what this host does; it is pure (the
 * reconciler asks the router and carries the move out).
 *
 * <ul>
 *   <li>Another host holds any of the mappings: it is the active one. Give back whatever this host holds (a host
 *       that won some and lost others must not keep a split set) and stay standby.</li>
 *   <li>None is held by another host: the active host keeps them (renews, re-creates lost ones); a standby takes
 *       them all, in config order, unless the router has just restarted (the active host re-creates its mappings
 *       then: the standby leaves it the time to).</li>
 * </ul>
 * The router grants a free mapping to exactly one requester (the others get 718), so two standbys that try at once
 * end with one active: the loser of the first mapping stops there, and asking in the same order means it holds none.
 */
final class HaLock {
    private HaLock() {
    }

    /** How often a standby looks at the mappings (over PCP: asks for them): a tenth of the lease, 1 to 5 s. */
    static Duration standbyCheck(HaConfig ha) {
        return Duration.ofMillis(Math.max(1000, Math.min(5000, ha.leaseSeconds() * 100L)));
    }

    /** When a lease is renewed: after a third of it, at least a second (one lost renewal does not lose the lock). */
    static Duration renewAfter(long leaseSeconds) {
        return Duration.ofMillis(Math.max(1000, leaseSeconds * 1000 / 3));
    }

    /** How long a standby leaves the active host to re-create the mappings after a router restart. */
    static Duration restartGrace(HaConfig ha) {
        return renewAfter(ha.leaseSeconds()).plusSeconds(2);
    }

    enum Move {
        /** Active and alone: renew the mappings, re-create those the router lost. */
        KEEP,
        /** Standby and every mapping free or this host's: ask for all of them. */
        TAKE,
        /** Another host holds some: delete this host's own and be standby. */
        GIVE_BACK,
        /** Standby: another host holds them, or the router just restarted: watch. */
        WAIT
    }

    /**
     * @param role           ACTIVE or STANDBY (a SINGLE host runs without HA and does not ask)
     * @param holders        each mapping's holder on the router (its internal client), empty when free
     * @param me             this host's LAN address
     * @param restartGrace   the router restarted a moment ago (a standby then waits for the active host)
     */
    static Move decide(HaRole role, List<Optional<String>> holders, String me, boolean restartGrace) {
        boolean another = holders.stream().anyMatch(h -> h.isPresent() && !h.get().equals(me));
        if (another) {
            boolean mine = holders.stream().anyMatch(h -> h.isPresent() && h.get().equals(me));
            return mine || role == HaRole.ACTIVE ? Move.GIVE_BACK : Move.WAIT;
        }
        if (role == HaRole.ACTIVE) return Move.KEEP;
        boolean allMine = holders.stream().allMatch(h -> h.isPresent() && h.get().equals(me));
        // a standby that holds every mapping already (it was active before a restart of the agent) takes them at
        // once; free ones right after a router restart are left to the active host for the grace
        return restartGrace && !allMine ? Move.WAIT : Move.TAKE;
    }
}
