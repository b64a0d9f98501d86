package dev.wanagent.agent;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The agent's one back-off policy: {@code first} after one failure, doubling with each further consecutive failure
 * up to {@code max}, each wait spread by ±{@code jitter} (a fraction) so that many agents do not retry in step.
 *
 * @param first  the wait after the first failure
 * @param max    the longest wait
 * @param jitter 0.2 spreads each wait over 80–120 %; 0 keeps it exact
 */
record Backoff(Duration first, Duration max, double jitter) {
    /** DNS providers: 1 min doubling to 30 min, ±20 % (providers ban clients that hammer them). */
    static final Backoff PROVIDER = new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(30), 0.2);
    /**
     * The router and its sources (unreachable, no WAN address, a mapping missing, re-discovery, re-subscribing to
     * events): 1 s doubling to 30 s, so that an outage costs seconds once the router answers again.
     */
    static final Backoff ROUTER = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0);
    /** A notification hook that failed a try: 2 s, then 4 s (three tries), ±20 %. */
    static final Backoff NOTIFY = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(30), 0.2);

    Backoff {
        if (first.isNegative() || first.isZero() || first.compareTo(Duration.ofDays(1)) > 0 || max.compareTo(first) < 0 || jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("back-off " + first + " to " + max + " ±" + jitter);
        }
    }

    /** How long to wait after {@code failures} consecutive failures (1 or more); {@code random} gives [0, 1). */
    Duration after(int failures, DoubleSupplier random) {
        int doublings = Math.max(0, Math.min(failures - 1, 30)); // first ≤ 1 day: no overflow
        long base = Math.min(max.toMillis(), first.toMillis() << doublings);
        double factor = jitter == 0 ? 1 : 1 - jitter + 2 * jitter * random.getAsDouble();
        return Duration.ofMillis(Math.max(1, (long) (base * factor)));
    }

    /** The same without jitter (for a policy whose jitter is 0). */
    Duration after(int failures) {
        return after(failures, () -> 0.5);
    }
}
