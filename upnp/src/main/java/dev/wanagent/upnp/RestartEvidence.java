package dev.wanagent.upnp;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Decides from the router's SSDP announcements when it has restarted, and so lost its port mappings and event
 * subscriptions. Pure: the caller passes the time, so every case is testable without a clock or a network.
 *
 * <p>Announcements come in bursts: at start and then every notify interval a router multicasts one
 * {@code ssdp:alive} per device and service, each sent up to three times a few hundred ms apart (UDA 1.1 §1.2.2;
 * miniupnpd sends ~26 packets, the copies 250 ms after the originals). A burst ends after {@link #BURST_GAP_NANOS}
 * of silence, or when an announcement is repeated more than {@link #MAX_COPIES} times (a second start right after
 * the first). A burst is reported as a restart, once, when
 * <ul>
 *   <li>its {@code BOOTID.UPNP.ORG} differs from the one known (from the M-SEARCH answer or earlier announcements);
 *   <li>it follows an {@code ssdp:byebye};
 *   <li>it follows {@link #expectRestart()} (calls to the router failed);
 *   <li>it is the first burst heard: its rhythm is unknown, and checking the router is cheap;
 *   <li>it comes earlier than {@link #IN_RHYTHM} × the interval between the two bursts before it (off the router's
 *       rhythm; this is what catches UPnP 1.0 routers, which send no BOOTID). Until that interval is known, a
 *       router is assumed to announce at most every {@link #ASSUMED_MIN_INTERVAL_NANOS}.
 * </ul>
 * A burst in rhythm with the same BOOTID is not a restart. The interval that ends with a burst explained by a new
 * BOOTID, a byebye or failures is not learnt as the rhythm: it includes the router's downtime.
 */
final class RestartEvidence {
    static final long BURST_GAP_NANOS = 1_000_000_000L;
    static final int MAX_COPIES = 3;
    static final double IN_RHYTHM = 0.8;
    static final long ASSUMED_MIN_INTERVAL_NANOS = 10_000_000_000L;
    private static final int MAX_BOOT_ID_CHARS = 64;
    private static final int MAX_TRACKED_ANNOUNCEMENTS = 256;

    private String bootId;
    private boolean byeBye;
    private boolean failures;
    private boolean inBurst;
    private long lastAlive;
    private boolean heardBurst;
    private long burstStart;
    private long interval = -1;
    private final Map<String, Integer> copies = new HashMap<>();

    /** The BOOTID the router had when it was found (the M-SEARCH answer); ignored when blank. */
    synchronized void knownBootId(String id) {
        String clean = clean(id);
        if (clean != null) bootId = clean;
    }

    /** Calls to the router failed: the next {@code ssdp:alive} is reported as a restart. */
    synchronized void expectRestart() {
        failures = true;
        inBurst = false;
    }

    /**
     * One announcement at {@code nowNanos} (any monotonic clock, e.g. System.nanoTime()): its NTS, its
     * BOOTID.UPNP.ORG (null when absent) and a key naming what it announces (its USN; null when absent). Returns
     * why it shows a restart, once per burst, or empty.
     */
    synchronized Optional<String> observe(String nts, String announcedBootId, String key, long nowNanos) {
        String kind = nts == null ? "" : nts.trim().toLowerCase(Locale.ROOT);
        if (kind.equals("ssdp:byebye")) {
            byeBye = true;
            inBurst = false;
            return Optional.empty();
        }
        if (!kind.equals("ssdp:alive")) return Optional.empty();
        String id = clean(announcedBootId);
        String previousId = bootId;
        boolean newBoot = id != null && previousId != null && !previousId.equals(id);
        boolean repeated = key != null && copies.getOrDefault(key, 0) >= MAX_COPIES;
        boolean newBurst = !inBurst || nowNanos - lastAlive > BURST_GAP_NANOS || newBoot || repeated;
        lastAlive = nowNanos;
        if (id != null) bootId = id;
        if (newBurst) copies.clear();
        if (key != null && (copies.size() < MAX_TRACKED_ANNOUNCEMENTS || copies.containsKey(key))) {
            copies.merge(key, 1, Integer::sum);
        }
        if (!newBurst) return Optional.empty();

        inBurst = true;
        long since = nowNanos - burstStart;
        long rhythm = interval >= 0 ? interval : ASSUMED_MIN_INTERVAL_NANOS;
        String evidence;
        boolean wasDown = newBoot || failures || byeBye;
        if (newBoot) {
            evidence = "BOOTID.UPNP.ORG " + previousId + " → " + id;
        } else if (failures) {
            evidence = "ssdp:alive after failures";
        } else if (byeBye) {
            evidence = "ssdp:alive after ssdp:byebye";
        } else if (!heardBurst) {
            evidence = "first ssdp:alive burst heard from the router";
        } else if (since < IN_RHYTHM * rhythm) {
            evidence = "ssdp:alive burst " + seconds(since) + " s after the previous one, off the router's rhythm of "
                    + (interval >= 0 ? "" : "at least ") + seconds(rhythm) + " s";
        } else {
            evidence = null;
        }
        if (heardBurst && !wasDown) interval = since;
        heardBurst = true;
        burstStart = nowNanos;
        failures = false;
        byeBye = false;
        return Optional.ofNullable(evidence);
    }

    /** {@code nanos} in seconds with one decimal ("25.0"), without String.format (which loads the JDK's locale data). */
    static String seconds(long nanos) {
        long tenths = Math.round(nanos / 1e8);
        return tenths / 10 + "." + tenths % 10;
    }

    private static String clean(String id) {
        if (id == null || id.isBlank()) return null;
        return RouterText.printable(id.trim(), MAX_BOOT_ID_CHARS);
    }
}
