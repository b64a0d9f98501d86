package dev.wanagent.upnp;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Logs a refusal once per key and then at most once per quiet period, with how many were suppressed: a hostile
 * LAN device that repeats itself cannot flood the log.
 */
final class RepeatedWarnings {
    private static final Duration QUIET = Duration.ofMinutes(10);
    private static final int MAX_KEYS = 256;

    private final Map<String, long[]> seen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > MAX_KEYS;
        }
    };

    /** Logs {@code format} with {@code args} unless the same key was logged within the quiet period. */
    synchronized void warn(Logger log, String key, String format, Object... args) {
        long now = System.nanoTime();
        long[] entry = seen.get(key); // {last logged, suppressed since}
        if (entry != null && now - entry[0] < QUIET.toNanos()) {
            entry[1]++;
            return;
        }
        long suppressed = entry == null ? 0 : entry[1];
        seen.put(key, new long[] {now, 0});
        if (suppressed > 0) {
            log.warn(format + " ({} more like it since the last report)", append(args, suppressed));
        } else {
            log.warn(format, args);
        }
    }

    private static Object[] append(Object[] args, Object last) {
        Object[] out = new Object[args.length + 1];
        System.arraycopy(args, 0, out, 0, args.length);
        out[args.length] = last;
        return out;
    }
}
