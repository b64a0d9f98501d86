package dev.wanagent.snmp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.snmp4j.CommunityTarget;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.UserTarget;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.AuthSHA;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.PrivAES256;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The trap listener on loopback, fed by an SNMP4J sender in the test that plays the router: SNMPv3 authPriv and
 * authNoPriv traps from the router's own engine ID are taken; a wrong passphrase, another user, noAuthNoPriv, or
 * the wrong version are refused. No network beyond 127.0.0.1.
 */
class SnmpTrapListenerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final SnmpTarget V3 = new SnmpTarget("127.0.0.1", 161, SnmpTarget.Version.V3, "", "wanread",
            SnmpTarget.Auth.SHA, "authpass123", Optional.of(SnmpTarget.Priv.AES128), "privpass123", 1500, 1);
    private static final SnmpTarget V2C = new SnmpTarget("127.0.0.1", 161, SnmpTarget.Version.V2C, "wanlab", "",
            SnmpTarget.Auth.SHA, "", Optional.empty(), "", 1500, 1);

    private final BlockingQueue<String> changes = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) c.close();
    }

    private SnmpTrapListener listen(SnmpTarget target) throws IOException {
        SnmpTrapListener l = SnmpTrapListener.start(LOOPBACK, 0, LOOPBACK, target, changes::add);
        open.add(l);
        return l;
    }

    /** A router: its own engine ID (authoritative for the traps it sends), one USM user localized to it. */
    private final class Router {
        final Snmp snmp;
        final OctetString engineId;

        Router(byte[] engineId, UsmUser user) throws IOException {
            this.engineId = new OctetString(engineId);
            SecurityProtocols protocols = SecurityProtocols.getInstance();
            protocols.addAuthenticationProtocol(new AuthSHA());
            protocols.addAuthenticationProtocol(new AuthHMAC192SHA256());
            protocols.addPrivacyProtocol(new PrivAES128());
            protocols.addPrivacyProtocol(new PrivAES256());
            USM usm = new USM(protocols, this.engineId, 7);
            MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
            dispatcher.addMessageProcessingModel(new MPv2c());
            dispatcher.addMessageProcessingModel(new MPv3(usm));
            if (user != null) usm.addUser(user, this.engineId); // localized to its own engine: it is authoritative
            DefaultUdpTransportMapping transport = new DefaultUdpTransportMapping(new UdpAddress(LOOPBACK, 0));
            snmp = new Snmp(dispatcher, transport);
            open.add(snmp);
            transport.listen();
        }

        void v3Trap(int port, String user, int level, OID trap) throws IOException {
            UserTarget<Address> t = new UserTarget<>();
            t.setAddress(new UdpAddress(LOOPBACK, port));
            t.setVersion(SnmpConstants.version3);
            t.setSecurityName(new OctetString(user));
            t.setSecurityLevel(level);
            t.setAuthoritativeEngineID(engineId.getValue());
            ScopedPDU pdu = new ScopedPDU();
            pdu.setType(PDU.NOTIFICATION);
            link(pdu, trap);
            snmp.send(pdu, t);
        }

        void v2cTrap(int port, String community, OID trap) throws IOException {
            CommunityTarget<Address> t = new CommunityTarget<>(new UdpAddress(LOOPBACK, port), new OctetString(community));
            t.setVersion(SnmpConstants.version2c);
            PDU pdu = new PDU();
            pdu.setType(PDU.NOTIFICATION);
            link(pdu, trap);
            snmp.send(pdu, t);
        }

        private void link(PDU pdu, OID trap) {
            pdu.add(new VariableBinding(SnmpConstants.sysUpTime, new TimeTicks(4242)));
            pdu.add(new VariableBinding(SnmpConstants.snmpTrapOID, trap));
            pdu.add(new VariableBinding(new OID("1.3.6.1.2.1.2.2.1.1.2"), new Integer32(2)));
        }
    }

    private static UsmUser user(String name, String auth, String priv) {
        return new UsmUser(new OctetString(name), AuthSHA.ID, new OctetString(auth),
                priv == null ? null : PrivAES128.ID, priv == null ? null : new OctetString(priv));
    }

    private static byte[] engine(int n) {
        return new byte[] {(byte) 0x80, 0, 0x1f, (byte) 0x88, 4, 'r', 't', 'r', (byte) n};
    }

    private static void awaitCount(LongSupplier count, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (count.getAsLong() < expected && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(expected, count.getAsLong());
    }

    @Test
    void aV3AuthPrivTrapFromTheRoutersOwnEngineIsTaken() throws Exception {
        SnmpTrapListener listener = listen(V3);
        Router router = new Router(engine(1), user("wanread", "authpass123", "privpass123"));
        router.v3Trap(listener.port(), "wanread", SecurityLevel.AUTH_PRIV, SnmpTrapListener.LINK_UP);
        assertEquals("linkUp", changes.poll(5, TimeUnit.SECONDS));
        router.v3Trap(listener.port(), "wanread", SecurityLevel.AUTH_PRIV, SnmpTrapListener.LINK_DOWN);
        assertEquals("linkDown", changes.poll(5, TimeUnit.SECONDS));
        assertEquals(0, listener.refused());
        // another engine ID (another router, or the same after a reset): its keys are localized on arrival too
        Router other = new Router(engine(2), user("wanread", "authpass123", "privpass123"));
        other.v3Trap(listener.port(), "wanread", SecurityLevel.AUTH_PRIV, SnmpTrapListener.LINK_UP);
        assertEquals("linkUp", changes.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void authNoPrivFromTheConfiguredUserIsTakenToo() throws Exception {
        SnmpTrapListener listener = listen(V3);
        Router router = new Router(engine(3), user("wanread", "authpass123", null));
        router.v3Trap(listener.port(), "wanread", SecurityLevel.AUTH_NOPRIV, SnmpTrapListener.LINK_UP);
        assertEquals("linkUp", changes.poll(5, TimeUnit.SECONDS));
        // a user configured without privacy (authNoPriv)
        SnmpTrapListener authOnly = listen(new SnmpTarget("127.0.0.1", 161, SnmpTarget.Version.V3, "", "wanauth",
                SnmpTarget.Auth.SHA, "authonly123", Optional.empty(), "", 1500, 1));
        Router r2 = new Router(engine(4), user("wanauth", "authonly123", null));
        r2.v3Trap(authOnly.port(), "wanauth", SecurityLevel.AUTH_NOPRIV, SnmpTrapListener.LINK_DOWN);
        assertEquals("linkDown", changes.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aWrongPassphraseIsRefusedAndSaysWhy() throws Exception {
        SnmpTrapListener listener = listen(V3);
        new Router(engine(5), user("wanread", "not-the-passphrase", "privpass123"))
                .v3Trap(listener.port(), "wanread", SecurityLevel.AUTH_PRIV, SnmpTrapListener.LINK_UP);
        awaitCount(listener::refused, 1);
        assertEquals("SNMPv3 authentication failed: wrong authPassphrase or authProtocol", listener.lastRefusal());

        new Router(engine(6), user("wanread", "authpass123", "not-the-privpass"))
                .v3Trap(listener.port(), "wanread", SecurityLevel.AUTH_PRIV, SnmpTrapListener.LINK_UP);
        awaitCount(listener::refused, 2);
        assertEquals("SNMPv3 decryption failed: wrong privPassphrase or privProtocol", listener.lastRefusal());

        new Router(engine(7), user("intruder", "authpass123", "privpass123"))
                .v3Trap(listener.port(), "intruder", SecurityLevel.AUTH_PRIV, SnmpTrapListener.LINK_UP);
        awaitCount(listener::refused, 3);
        assertEquals("SNMPv3 from another user than the configured one", listener.lastRefusal());

        new Router(engine(8), new UsmUser(new OctetString("wanread"), null, null, null, null))
                .v3Trap(listener.port(), "wanread", SecurityLevel.NOAUTH_NOPRIV, SnmpTrapListener.LINK_UP);
        awaitCount(listener::refused, 4);
        assertEquals("SNMPv3 without authentication (noAuthNoPriv): traps must be authNoPriv or authPriv",
                listener.lastRefusal());

        new Router(engine(9), null).v2cTrap(listener.port(), "wanlab", SnmpTrapListener.LINK_UP);
        awaitCount(listener::refused, 5);
        assertEquals("SNMPv1/v2c, but router.snmp.version is v3 (traps must be SNMPv3 from the configured user)",
                listener.lastRefusal());
        assertNull(changes.poll(200, TimeUnit.MILLISECONDS));
    }

    @Test
    void v2cTrapsAreCheckedAgainstTheCommunity() throws Exception {
        SnmpTrapListener listener = listen(V2C);
        Router router = new Router(engine(10), user("wanread", "authpass123", "privpass123"));
        router.v2cTrap(listener.port(), "not-the-community", SnmpTrapListener.LINK_UP);
        awaitCount(listener::refused, 1);
        assertEquals("not SNMPv2c with the configured community", listener.lastRefusal());
        router.v3Trap(listener.port(), "wanread", SecurityLevel.AUTH_PRIV, SnmpTrapListener.LINK_UP);
        awaitCount(listener::refused, 2);
        assertEquals("SNMPv3, but router.snmp.version is v2c (traps must be SNMPv2c with the configured community)",
                listener.lastRefusal());
        assertNull(changes.poll(100, TimeUnit.MILLISECONDS));
        router.v2cTrap(listener.port(), "wanlab", SnmpTrapListener.LINK_UP);
        assertEquals("linkUp", changes.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void onlyTheRouterIsListenedTo() throws Exception {
        SnmpTrapListener listener = SnmpTrapListener.start(LOOPBACK, 0, InetAddress.getByName("127.0.0.2"), V3,
                changes::add);
        open.add(listener);
        new Router(engine(11), user("wanread", "authpass123", "privpass123"))
                .v3Trap(listener.port(), "wanread", SecurityLevel.AUTH_PRIV, SnmpTrapListener.LINK_UP);
        awaitCount(listener::refused, 1);
        assertEquals("only the router 127.0.0.2 is listened to", listener.lastRefusal());
        assertNull(changes.poll(100, TimeUnit.MILLISECONDS));
    }

    @Test
    void aRepeatedRefusalIsLoggedOnceAndThenWithACount() throws Exception {
        List<String> lines = new ArrayList<>();
        SnmpTrapListener.RepeatedRefusals r = new SnmpTrapListener.RepeatedRefusals(
                (format, args) -> lines.add(format + " " + java.util.Arrays.toString(args)), Duration.ofMillis(200));
        for (int i = 0; i < 5; i++) r.warn("10.0.0.9 wrong community", "SNMP trap from {} ignored: {}", "10.0.0.9/" + i, "x");
        r.warn("10.0.0.8 wrong community", "SNMP trap from {} ignored: {}", "10.0.0.8/1", "x");
        assertEquals(List.of("SNMP trap from {} ignored: {} [10.0.0.9/0, x]", "SNMP trap from {} ignored: {} [10.0.0.8/1, x]"),
                lines);
        Thread.sleep(250);
        r.warn("10.0.0.9 wrong community", "SNMP trap from {} ignored: {}", "10.0.0.9/9", "x");
        assertEquals("SNMP trap from {} ignored: {} ({} more like it since the last report) [10.0.0.9/9, x, 4]",
                lines.get(2));
    }
}
