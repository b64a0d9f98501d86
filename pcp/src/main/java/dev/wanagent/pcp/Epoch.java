package dev.wanagent.pcp;

/**
 * Reboot detection from the router's epoch (RFC 6887 §8.5, RFC 6886 §3.6): every answer carries the seconds since
 * the router's mapping state began. If that value went backwards, or advanced clearly less (or more) than this
 * host's own clock did between two answers, the router lost its mappings: every mapping must be created again at
 * once. A pure function, so the rules are tested without a router.
 */
public final class Epoch {
    private Epoch() {
    }

    /**
     * One answer's epoch, and this host's clock when it arrived.
     *
     * @param clientMillis this host's monotonic-enough clock, in milliseconds
     * @param serverEpoch  the router's epoch, 0 to 2^32-1 seconds
     */
    public record Observation(long clientMillis, long serverEpoch) {
    }

    /**
     * True when the router lost its state between {@code previous} and {@code current}: RFC 6887 §8.5 — the epoch is
     * more than 1 s below the previous one, or with C = client seconds elapsed and S = server seconds elapsed,
     * {@code C + 2 < S - S/16} or {@code S + 2 < C - C/16}.
     */
    public static boolean lostState(Observation previous, Observation current) {
        if (previous == null) return false; // the first answer: nothing to compare with
        long s = current.serverEpoch() - previous.serverEpoch();
        if (s < -1) return true; // went backwards
        double c = (current.clientMillis() - previous.clientMillis()) / 1000.0;
        if (c < 0) return false; // this host's clock went backwards: no judgement possible
        double sd = Math.max(0, s);
        return c + 2 < sd - sd / 16 || sd + 2 < c - c / 16;
    }
}
