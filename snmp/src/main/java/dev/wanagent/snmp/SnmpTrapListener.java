package dev.wanagent.snmp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.CommandResponder;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.Snmp;
import org.snmp4j.TransportMapping;
import org.snmp4j.TransportStateReference;
import org.snmp4j.event.CounterEvent;
import org.snmp4j.event.CounterListener;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv1;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.MessageProcessingModel;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.AuthSHA;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.PrivAES256;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.IpAddress;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.Variable;
import org.snmp4j.transport.DefaultUdpTransportMapping;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Receives notifications from the router: linkUp / linkDown mean the WAN may have changed, so the listener asks for
 * an immediate re-read. A trap is only a hint (the read is the truth). With an SNMPv2c target, traps must be SNMPv2c
 * with the configured community; with an SNMPv3 target, SNMPv3 from the configured user, authenticated (authNoPriv
 * or authPriv) with its passphrases, from whatever engine ID the router has. Anything else, and anything from
 * another address, is refused with a log line (once per sender and reason, then at most every 10 minutes).
 */
public final class SnmpTrapListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnmpTrapListener.class);
    static final OID LINK_DOWN = new OID("1.3.6.1.6.3.1.1.5.3");
    static final OID LINK_UP = new OID("1.3.6.1.6.3.1.1.5.4");

    /** Why SNMP4J dropped a message before it became a PDU: the counter it raised, in a user's words. */
    private static final Map<OID, String> DROPPED = Map.of(
            SnmpConstants.usmStatsWrongDigests, "SNMPv3 authentication failed: wrong authPassphrase or authProtocol",
            SnmpConstants.usmStatsUnknownUserNames, "SNMPv3 from another user than the configured one",
            SnmpConstants.usmStatsUnsupportedSecLevels, "SNMPv3 security level not accepted (authNoPriv or authPriv)",
            SnmpConstants.usmStatsNotInTimeWindows, "SNMPv3 message outside the time window (replayed?)",
            SnmpConstants.usmStatsUnknownEngineIDs, "SNMPv3 engine ID unknown",
            SnmpConstants.usmStatsDecryptionErrors, "SNMPv3 decryption failed: wrong privPassphrase or privProtocol",
            SnmpConstants.snmpInASNParseErrs, "not a well-formed SNMP message",
            SnmpConstants.snmpInBadVersions, "an SNMP version this listener does not take",
            SnmpConstants.snmpUnknownSecurityModels, "an SNMP security model this listener does not take",
            SnmpConstants.snmpInvalidMsgs, "an invalid SNMP message");

    private final Snmp snmp;
    private final UdpAddress listening;
    private final AtomicLong refused;
    private final AtomicReference<String> lastRefusal;

    private SnmpTrapListener(Snmp snmp, UdpAddress listening, AtomicLong refused, AtomicReference<String> lastRefusal) {
        this.snmp = snmp;
        this.listening = listening;
        this.refused = refused;
        this.lastRefusal = lastRefusal;
    }

    private interface Refusal {
        void accept(Address from, String why);
    }

    /** What became of one datagram while SNMP4J handled it (on the transport's listen thread). */
    private static final class Verdict {
        boolean judged;
        String dropped;
    }

    /**
     * Listens on {@code localAddress:port} for notifications from {@code router}, accepting what {@code target}
     * (version, community or v3 user, passphrases) describes; {@code onLinkChange} gets "linkUp"/"linkDown".
     */
    public static SnmpTrapListener start(InetAddress localAddress, int port, InetAddress router, SnmpTarget target,
                                         Consumer<String> onLinkChange) throws IOException {
        boolean v3 = target.version() == SnmpTarget.Version.V3;
        RepeatedRefusals refusals = new RepeatedRefusals(LOG::warn, Duration.ofMinutes(10));
        AtomicLong refused = new AtomicLong();
        AtomicReference<String> lastRefusal = new AtomicReference<>();
        ThreadLocal<Verdict> current = new ThreadLocal<>();
        Refusal refuse = (from, why) -> {
            lastRefusal.set(why);
            refused.incrementAndGet();
            // the key leaves the source port out: each snmptrap run, and many routers, send from a new port
            InetAddress source = from instanceof IpAddress ip ? ip.getInetAddress() : null;
            refusals.warn((source == null ? String.valueOf(from) : source.getHostAddress()) + " " + why,
                    "SNMP trap from {} ignored: {}", shown(from), why);
        };
        CounterListener counters = new CounterListener() {
            @Override
            public void incrementCounter(CounterEvent event) {
                Verdict v = current.get();
                String why = DROPPED.get(event.getOid());
                if (v != null && v.dropped == null && why != null) v.dropped = why;
            }
        };
        CounterListener v3Counters = new CounterListener() {
            @Override
            public void incrementCounter(CounterEvent event) {
                Verdict v = current.get();
                // authenticated, then its scoped PDU did not parse: it was decrypted with the wrong key
                String why = event.getOid().equals(SnmpConstants.snmpInASNParseErrs)
                        ? "SNMPv3 decryption failed: wrong privPassphrase or privProtocol" : DROPPED.get(event.getOid());
                if (v != null && v.dropped == null && why != null) v.dropped = why;
            }
        };
        MessageDispatcherImpl dispatcher = new MessageDispatcherImpl() {
            @Override
            public <A extends Address> void processMessage(TransportMapping<? super A> transport, A from,
                                                           ByteBuffer message, TransportStateReference reference) {
                Verdict v = new Verdict();
                current.set(v);
                try {
                    super.processMessage(transport, from, message, reference);
                } finally {
                    current.remove();
                }
                if (!v.judged) {
                    String why = v.dropped != null ? v.dropped : "not a notification this listener takes";
                    refuse.accept(from, !v3 && why.startsWith("SNMPv3") ? "SNMPv3, but router.snmp.version is v2c"
                            + " (traps must be SNMPv2c with the configured community)" : why);
                }
            }
        };
        dispatcher.addCounterListener(counters);
        CounterSupport usmCounters = new CounterSupport();
        usmCounters.addCounterListener(v3Counters);
        // every version is understood, so that a trap of the wrong kind is refused with a reason, not dropped silently
        dispatcher.addMessageProcessingModel(new MPv1());
        dispatcher.addMessageProcessingModel(new MPv2c());
        SecurityProtocols protocols = SecurityProtocols.getInstance();
        protocols.addAuthenticationProtocol(new AuthSHA());
        protocols.addAuthenticationProtocol(new AuthHMAC192SHA256());
        protocols.addPrivacyProtocol(new PrivAES128());
        protocols.addPrivacyProtocol(new PrivAES256());
        USM usm = new USM(protocols, new OctetString(MPv3.createLocalEngineID()), 0, usmCounters);
        if (v3) {
            // The router sends its traps as the authoritative engine, with its own engine ID. A user added without an
            // engine ID is localized by SNMP4J to whatever engine ID arrives (RFC 3414 key localization), so the
            // router's engine ID need not be configured, and a router that changes it keeps working.
            usm.setEngineDiscoveryEnabled(true);
            usm.addUser(usmUser(target));
        }
        MPv3 mpv3 = new MPv3(usm);
        mpv3.setCounterSupport(usmCounters);
        dispatcher.addMessageProcessingModel(mpv3);
        DefaultUdpTransportMapping transport = new DefaultUdpTransportMapping(new UdpAddress(localAddress, port));
        Snmp snmp = new Snmp(dispatcher, transport);
        byte[] community = target.community().getBytes(StandardCharsets.UTF_8);
        byte[] user = target.user().getBytes(StandardCharsets.UTF_8);
        snmp.addCommandResponder(new CommandResponder() {
            @Override
            public <A extends Address> void processPdu(CommandResponderEvent<A> event) {
                event.setProcessed(true);
                Verdict v = current.get();
                if (v != null) v.judged = true;
                Address from = event.getPeerAddress();
                InetAddress source = from instanceof IpAddress ip ? ip.getInetAddress() : null;
                if (!router.equals(source)) {
                    refuse.accept(from, "only the router " + router.getHostAddress() + " is listened to");
                    return;
                }
                String wrong = v3 ? notV3User(event, user) : notV2cCommunity(event, community);
                if (wrong != null) {
                    refuse.accept(from, wrong);
                    return;
                }
                linkChange(event.getPDU()).ifPresent(onLinkChange);
            }
        });
        transport.listen();
        UdpAddress listening = transport.getListenAddress();
        LOG.info("SNMP: listening for the router's linkUp/linkDown traps (SNMP{}) on {}:{}",
                v3 ? "v3, user " + target.user() : "v2c", localAddress.getHostAddress(), listening.getPort());
        return new SnmpTrapListener(snmp, listening, refused, lastRefusal);
    }

    private static UsmUser usmUser(SnmpTarget target) {
        OID auth = target.auth() == SnmpTarget.Auth.SHA256 ? AuthHMAC192SHA256.ID : AuthSHA.ID;
        OID priv = target.priv().map(p -> p == SnmpTarget.Priv.AES256 ? PrivAES256.ID : PrivAES128.ID).orElse(null);
        return new UsmUser(new OctetString(target.user()), auth, new OctetString(target.authPassphrase()), priv,
                priv == null ? null : new OctetString(target.privPassphrase()));
    }

    /** Why {@code event} is not SNMPv2c with {@code community}; null when it is. */
    private static String notV2cCommunity(CommandResponderEvent<?> event, byte[] community) {
        if (event.getMessageProcessingModel() != MessageProcessingModel.MPv2c
                || !MessageDigest.isEqual(community, event.getSecurityName())) {
            return "not SNMPv2c with the configured community";
        }
        return null;
    }

    /** Why {@code event} is not authenticated SNMPv3 from {@code user}; null when it is. */
    private static String notV3User(CommandResponderEvent<?> event, byte[] user) {
        // SNMP4J has checked the digest (and decrypted) with the user's keys before the PDU gets here; noAuthNoPriv
        // carries no proof, whatever user name it names
        if (event.getMessageProcessingModel() != MessageProcessingModel.MPv3) {
            return "SNMPv1/v2c, but router.snmp.version is v3 (traps must be SNMPv3 from the configured user)";
        }
        if (event.getSecurityModel() != SecurityModel.SECURITY_MODEL_USM
                || event.getSecurityLevel() < SecurityLevel.AUTH_NOPRIV) {
            return "SNMPv3 without authentication (noAuthNoPriv): traps must be authNoPriv or authPriv";
        }
        if (!MessageDigest.isEqual(user, event.getSecurityName())) {
            return "SNMPv3 from another user than the configured one";
        }
        return null;
    }

    /** A sender's address for a log line: SNMP4J's IP/port, nothing the sender chose. */
    private static String shown(Address from) {
        return from instanceof UdpAddress udp ? udp.getInetAddress().getHostAddress() + "/" + udp.getPort()
                : String.valueOf(from);
    }

    /** "linkUp" or "linkDown" when {@code pdu} is such a notification; empty for anything else. */
    static Optional<String> linkChange(PDU pdu) {
        if (pdu == null || pdu.getType() != PDU.NOTIFICATION) return Optional.empty();
        Variable trapOid = pdu.getVariable(SnmpConstants.snmpTrapOID);
        if (trapOid instanceof OID oid) {
            if (oid.equals(LINK_DOWN)) return Optional.of("linkDown");
            if (oid.equals(LINK_UP)) return Optional.of("linkUp");
            LOG.debug("SNMP trap {} from the router ignored", SnmpRouter.shown(oid));
        }
        return Optional.empty();
    }

    /** The port listened on (the configured one, or the one the system chose for port 0). */
    int port() {
        return listening.getPort();
    }

    /** How many datagrams were refused so far (logged or not). */
    long refused() {
        return refused.get();
    }

    /** Why the last refused datagram was refused; null before any. */
    String lastRefusal() {
        return lastRefusal.get();
    }

    @Override
    public void close() throws IOException {
        snmp.close();
    }

    /**
     * Logs a refusal once per key, then at most once per quiet period with how many were left out: a LAN device that
     * repeats itself cannot flood the log. Remembers the last 256 keys.
     */
    static final class RepeatedRefusals {
        /** Where a line goes: an SLF4J format and its arguments. */
        interface Sink {
            void warn(String format, Object... args);
        }

        private static final int MAX_KEYS = 256;
        private final Sink log;
        private final long quietNanos;
        private final Map<String, long[]> seen = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
                return size() > MAX_KEYS;
            }
        };

        RepeatedRefusals(Sink log, Duration quiet) {
            this.log = log;
            this.quietNanos = quiet.toNanos();
        }

        /** Logs {@code format} with {@code args} at warn unless {@code key} was logged within the quiet period. */
        void warn(String key, String format, Object... args) {
            long suppressed;
            synchronized (seen) {
                long now = System.nanoTime();
                long[] entry = seen.get(key); // {last logged, left out since}
                if (entry != null && now - entry[0] < quietNanos) {
                    entry[1]++;
                    return;
                }
                suppressed = entry == null ? 0 : entry[1];
                seen.put(key, new long[] {now, 0});
            }
            if (suppressed > 0) {
                Object[] more = java.util.Arrays.copyOf(args, args.length + 1);
                more[args.length] = suppressed;
                log.warn(format + " ({} more like it since the last report)", more);
            } else {
                log.warn(format, args);
            }
        }
    }
}
