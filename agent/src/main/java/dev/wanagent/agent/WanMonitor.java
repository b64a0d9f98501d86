package dev.wanagent.agent;

import dev.wanagent.ddns.PublicAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The agent's loop: read the WAN address from the first healthy source, keep the mappings, push the address to
 * DNS. A pass runs at start, every {@code pollInterval}, when a lease or a back-off falls due, and when
 * {@link #trigger(String)} is called (router events).
 */
final class WanMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(WanMonitor.class);
    private static final String STOP = "stop";

    /** What one pass found. */
    record PassResult(Optional<WanAddress> wanAddress, String source, List<String> sourceProblems,
                      List<MappingReconciler.MappingStatus> mappings,
                      List<UpdateDispatcher.RecordResult> records) {
        boolean ok() {
            return wanAddress.isPresent() && mappings.stream().allMatch(MappingReconciler.MappingStatus::ok)
                    && records.stream().allMatch(UpdateDispatcher.RecordResult::ok);
        }
    }

    private final List<WanSource> sources;
    private final MappingReconciler reconciler;
    private final UpdateDispatcher dispatcher;
    private final Duration pollInterval;
    private final Clock clock;
    private final BlockingQueue<String> triggers = new LinkedBlockingQueue<>();
    static final Duration FIRST_RECHECK = Duration.ofSeconds(1);
    static final Duration MAX_RECHECK = Duration.ofSeconds(30);
    private volatile boolean stopping;
    private String lastSourceProblem;
    private Duration recheck = FIRST_RECHECK;
    private volatile StatusServer.Snapshot last;

    WanMonitor(List<WanSource> sources, MappingReconciler reconciler, UpdateDispatcher dispatcher,
               Duration pollInterval, Clock clock) {
        this.sources = sources;
        this.reconciler = reconciler;
        this.dispatcher = dispatcher;
        this.pollInterval = pollInterval;
        this.clock = clock;
    }

    PassResult pass() {
        List<String> problems = new ArrayList<>();
        Optional<WanAddress> wan = Optional.empty();
        String used = "";
        for (WanSource s : sources) {
            try {
                wan = Optional.of(s.readWanAddress());
                used = s.name();
                break;
            } catch (IOException e) {
                problems.add(s.name() + ": " + e.getMessage());
            }
        }
        String problemText = String.join("; ", problems);
        if (wan.isEmpty() && !problemText.equals(lastSourceProblem)) {
            LOG.warn("cannot read the WAN address: {}", problemText);
        } else if (wan.isPresent() && lastSourceProblem != null && !lastSourceProblem.isEmpty()) {
            LOG.info("WAN address readable again from {}", used);
        }
        lastSourceProblem = wan.isEmpty() ? problemText : "";
        // DNS first: a WAN change reaches the providers before the mappings are checked
        List<UpdateDispatcher.RecordResult> records = wan.isPresent()
                ? dispatcher.dispatch(wan.get(), used) : List.of();
        List<MappingReconciler.MappingStatus> mappings = reconciler.reconcile();
        PassResult result = new PassResult(wan, used, problems, mappings, records);
        last = new StatusServer.Snapshot(result, clock.instant());
        return result;
    }

    /** The last pass, for the status page; null before the first. */
    StatusServer.Snapshot last() {
        return last;
    }

    /** Runs passes until {@link #stop()}. */
    void run() {
        LOG.info("running: {} source(s), poll every {}s", sources.size(), pollInterval.toSeconds());
        while (!stopping) {
            PassResult last = null;
            try {
                last = pass();
            } catch (RuntimeException e) {
                LOG.error("pass failed unexpectedly", e);
            }
            Instant now = clock.instant();
            Instant next = Stream.of(Optional.of(now.plus(pollInterval)), reconciler.nextRenewal(),
                            dispatcher.nextDue(), wanDownRecheck(last, now))
                    .flatMap(Optional::stream).min(Instant::compareTo).orElseThrow();
            long waitMs = Math.max(100, Duration.between(now, next).toMillis());
            try {
                String why = triggers.poll(waitMs, TimeUnit.MILLISECONDS);
                if (STOP.equals(why)) break;
                if (why != null) {
                    LOG.info("pass: {}", why);
                    triggers.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.info("stopped");
    }

    /**
     * While the router has no publishable WAN address (a PPPoE reconnect, a router restart), look again soon:
     * 1 s, then 2, 4, ... up to 30 s, so that a missed or late router event costs seconds, not a poll interval.
     */
    Optional<Instant> wanDownRecheck(PassResult last, Instant now) {
        boolean down = last == null || last.wanAddress().isEmpty()
                || PublicAddress.whyNotPublic(last.wanAddress().get().ipv4()).isPresent();
        if (!down) {
            recheck = FIRST_RECHECK;
            return Optional.empty();
        }
        Instant at = now.plus(recheck);
        recheck = recheck.multipliedBy(2).compareTo(MAX_RECHECK) > 0 ? MAX_RECHECK : recheck.multipliedBy(2);
        return Optional.of(at);
    }

    /** Asks for a pass now (e.g. a router event). */
    void trigger(String why) {
        triggers.offer(why);
    }

    void stop() {
        stopping = true;
        triggers.offer(STOP);
    }
}
