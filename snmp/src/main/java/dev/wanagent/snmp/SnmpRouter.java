package dev.wanagent.snmp;

import dev.wanagent.config.IpLiteral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.CommunityTarget;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.SNMP4JSettings;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.UserTarget;
import org.snmp4j.event.ResponseEvent;
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
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;
import org.snmp4j.util.DefaultPDUFactory;
import org.snmp4j.util.TreeEvent;
import org.snmp4j.util.TreeUtils;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Reads the router's WAN address over SNMP (SNMP4J): finds the WAN interface (by name, or as the interface of the
 * default route) and returns its addresses. The route comes from the IP-MIB table with the older RFC 1213 table as
 * fallback; IPv4 from the RFC 1213 ipAddrTable (live in net-snmp) with ipAddressTable as fallback, IPv6 from
 * ipAddressTable.
 */
public final class SnmpRouter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnmpRouter.class);
    /** One per JVM: each read opens a new SnmpRouter, and a lag is told once, not at every read. */
    private static final LagNotices LAG = new LagNotices(LOG::info);
    static final OID IF_NAME = new OID("1.3.6.1.2.1.31.1.1.1.1");
    static final OID IF_DESCR = new OID("1.3.6.1.2.1.2.2.1.2");
    static final OID INET_CIDR_ROUTE_IF_INDEX = new OID("1.3.6.1.2.1.4.24.7.1.7");
    static final OID IP_ROUTE_IF_INDEX_DEFAULT = new OID("1.3.6.1.2.1.4.21.1.2.0.0.0.0");
    static final OID IP_ADDRESS_IF_INDEX = new OID("1.3.6.1.2.1.4.34.1.3");
    static final OID IP_ADDRESS_TYPE = new OID("1.3.6.1.2.1.4.34.1.4");
    static final OID IP_ADDRESS_STATUS = new OID("1.3.6.1.2.1.4.34.1.7");
    private static final int UNICAST = 1;
    private static final int PREFERRED = 1;
    static final OID IP_ADDR_IF_INDEX = new OID("1.3.6.1.2.1.4.20.1.2");

    private final SnmpTarget target;
    private final Snmp snmp;
    private final Target<Address> snmpTarget;

    static {
        // net-snmp answers a wrong v3 passphrase or an unknown user with an unauthenticated Report
        // (usmStatsWrongDigests, usmStatsUnknownUserNames). SNMP4J's standard strategy drops such reports and the
        // request times out; accepting them turns the time-out into a clear error. A report carries no data, so a
        // forged one can only cause an error message.
        SNMP4JSettings.setReportSecurityLevelStrategy(SNMP4JSettings.ReportSecurityLevelStrategy.noAuthNoPrivIfNeeded);
    }

    public SnmpRouter(SnmpTarget target) throws IOException {
        this.target = target;
        InetAddress host = IpLiteral.parse(target.host()).orElseThrow(() -> new SnmpException(
                "router.snmp.host must be the router's IP address, not '" + target.host() + "'"));
        Address address = new UdpAddress(host, target.port());
        MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
        dispatcher.addMessageProcessingModel(new MPv2c());
        DefaultUdpTransportMapping transport = new DefaultUdpTransportMapping();
        if (target.version() == SnmpTarget.Version.V3) {
            SecurityProtocols protocols = SecurityProtocols.getInstance();
            protocols.addAuthenticationProtocol(new AuthSHA());
            protocols.addAuthenticationProtocol(new AuthHMAC192SHA256());
            protocols.addPrivacyProtocol(new PrivAES128());
            protocols.addPrivacyProtocol(new PrivAES256());
            USM usm = new USM(protocols, new OctetString(MPv3.createLocalEngineID()), 0);
            dispatcher.addMessageProcessingModel(new MPv3(usm));
            OID auth = target.auth() == SnmpTarget.Auth.SHA256 ? AuthHMAC192SHA256.ID : AuthSHA.ID;
            OID priv = target.priv().map(p -> p == SnmpTarget.Priv.AES256 ? PrivAES256.ID : PrivAES128.ID)
                    .orElse(null);
            usm.addUser(new UsmUser(new OctetString(target.user()), auth, new OctetString(target.authPassphrase()),
                    priv, priv == null ? null : new OctetString(target.privPassphrase())));
            UserTarget<Address> ut = new UserTarget<>();
            ut.setAddress(address);
            ut.setVersion(SnmpConstants.version3);
            ut.setSecurityName(new OctetString(target.user()));
            ut.setSecurityLevel(priv == null ? SecurityLevel.AUTH_NOPRIV : SecurityLevel.AUTH_PRIV);
            this.snmpTarget = ut;
        } else {
            CommunityTarget<Address> ct = new CommunityTarget<>(address, new OctetString(target.community()));
            ct.setVersion(SnmpConstants.version2c);
            this.snmpTarget = ct;
        }
        snmpTarget.setTimeout(target.timeoutMillis());
        snmpTarget.setRetries(target.retries());
        this.snmp = new Snmp(dispatcher, transport);
        transport.listen();
    }

    private static String noReply(SnmpTarget target) {
        return "no SNMP reply from " + target.host() + ":" + target.port() + " in " + target.timeoutMillis()
                + " ms × " + (target.retries() + 1) + ": wrong "
                + (target.version() == SnmpTarget.Version.V3 ? "user or passphrase" : "community")
                + ", or SNMP off";
    }

    /** The WAN interface's IPv4 address; {@code interfaceName} (ifName or ifDescr) when given, else the default route's. */
    public InetAddress wanAddress(Optional<String> interfaceName) throws IOException {
        WanAddresses a = wanAddresses(interfaceName);
        if (a.ipv4().isEmpty()) {
            throw new SnmpException("the WAN interface (ifIndex " + a.ifIndex() + ") has no IPv4 address");
        }
        return a.ipv4().get(0);
    }

    /** The WAN interface's addresses: IPv4, and global IPv6 (no link-local, no ULA). */
    public WanAddresses wanAddresses(Optional<String> interfaceName) throws IOException {
        int ifIndex = interfaceName.isPresent() ? ifIndexByName(interfaceName.get()) : defaultRouteIfIndex();
        return addresses(ifIndex);
    }

    /** Reads one table column: every row under {@code column}, by OID. */
    interface Walk {
        Map<OID, Variable> walk(OID column) throws IOException;
    }

    /** Reads one object; null when the router has no such object. */
    interface Get {
        Variable get(OID oid) throws IOException;
    }

    /** ifIndex of the interface the default route leaves by. */
    public int defaultRouteIfIndex() throws IOException {
        return defaultRouteIfIndex(this::walk, this::get);
    }

    static int defaultRouteIfIndex(Walk walk, Get get) throws IOException {
        for (Map.Entry<OID, Variable> e : walk.walk(INET_CIDR_ROUTE_IF_INDEX).entrySet()) {
            // index: destType(1=ipv4).len(4).0.0.0.0.pfxLen(0).policy....
            int[] idx = e.getKey().getValue();
            int base = INET_CIDR_ROUTE_IF_INDEX.size();
            if (idx.length > base + 6 && idx[base] == 1 && idx[base + 1] == 4 && idx[base + 2] == 0
                    && idx[base + 3] == 0 && idx[base + 4] == 0 && idx[base + 5] == 0 && idx[base + 6] == 0) {
                int ifIndex = integer(e.getKey(), e.getValue());
                if (ifIndex > 0) return ifIndex; // 0: a route without an interface (e.g. unreachable)
            }
        }
        Variable v = get.get(IP_ROUTE_IF_INDEX_DEFAULT);
        if (v == null) {
            throw new SnmpException("the router reports no default route (inetCidrRouteTable and ipRouteTable):"
                    + " set router.snmp.wanInterface");
        }
        int ifIndex = integer(IP_ROUTE_IF_INDEX_DEFAULT, v);
        if (ifIndex <= 0) {
            throw new SnmpException("the router's default route has no interface (ipRouteIfIndex " + ifIndex + "):"
                    + " set router.snmp.wanInterface");
        }
        return ifIndex;
    }

    /** ifIndex whose ifName (or else ifDescr) is {@code name}. */
    public int ifIndexByName(String name) throws IOException {
        return ifIndexByName(name, this::walk);
    }

    static int ifIndexByName(String name, Walk walk) throws IOException {
        for (OID column : List.of(IF_NAME, IF_DESCR)) {
            for (Map.Entry<OID, Variable> e : walk.walk(column).entrySet()) {
                // a row is column.ifIndex, ifIndex 1..2147483647
                if (e.getKey().size() == column.size() + 1 && e.getKey().last() > 0
                        && e.getValue().toString().equals(name)) {
                    return e.getKey().last();
                }
            }
        }
        throw new SnmpException("the router has no interface named '" + name + "' (ifName or ifDescr)");
    }

    /**
     * Addresses of {@code ifIndex}. IPv4 from ipAddrTable, which net-snmp serves live, when it has a row for the
     * interface; else from ipAddressTable (routers without ipAddrTable). IPv6 from ipAddressTable (unicast,
     * preferred; without link-local and ULA). When both tables hold IPv4 for the interface and disagree, the router's
     * ipAddressTable lags (net-snmp caches it for up to ~30 s): that is logged once per pair, and ipAddrTable wins.
     */
    public WanAddresses addresses(int ifIndex) throws IOException {
        return addresses(ifIndex, this::walk);
    }

    static WanAddresses addresses(int ifIndex, Walk walk) throws IOException {
        return addresses(ifIndex, walk, LAG);
    }

    static WanAddresses addresses(int ifIndex, Walk walk, LagNotices lag) throws IOException {
        List<InetAddress> live = new ArrayList<>();
        int base = IP_ADDR_IF_INDEX.size();
        for (Map.Entry<OID, Variable> e : walk.walk(IP_ADDR_IF_INDEX).entrySet()) {
            int[] idx = e.getKey().getValue();
            if (idx.length == base + 4 && integer(e.getKey(), e.getValue()) == ifIndex) {
                live.add(address(idx, base, 4));
            }
        }
        List<InetAddress> v4 = new ArrayList<>();
        List<InetAddress> v6 = new ArrayList<>();
        base = IP_ADDRESS_IF_INDEX.size();
        Map<OID, Variable> ifIndexes = walk.walk(IP_ADDRESS_IF_INDEX);
        if (!ifIndexes.isEmpty()) {
            Map<OID, Variable> types = walk.walk(IP_ADDRESS_TYPE);
            Map<OID, Variable> statuses = walk.walk(IP_ADDRESS_STATUS);
            for (Map.Entry<OID, Variable> e : ifIndexes.entrySet()) {
                if (integer(e.getKey(), e.getValue()) != ifIndex) continue;
                OID index = new OID(e.getKey().getValue(), base, e.getKey().size() - base);
                Variable type = types.get(new OID(IP_ADDRESS_TYPE).append(index));
                Variable status = statuses.get(new OID(IP_ADDRESS_STATUS).append(index));
                if (type != null && integer(IP_ADDRESS_TYPE, type) != UNICAST) continue;
                if (status != null && integer(IP_ADDRESS_STATUS, status) != PREFERRED) continue;
                int[] idx = index.getValue();
                if (idx.length == 6 && idx[0] == 1 && idx[1] == 4) {
                    v4.add(address(idx, 2, 4));
                } else if (idx.length == 18 && idx[0] == 2 && idx[1] == 16) {
                    InetAddress a = address(idx, 2, 16);
                    if (isGlobalIpv6(a)) v6.add(a);
                }
            }
        }
        if (live.isEmpty()) return new WanAddresses(ifIndex, v4, v6);
        if (!v4.isEmpty() && !Set.copyOf(v4).equals(Set.copyOf(live))) lag.disagree(ifIndex, live, v4);
        return new WanAddresses(ifIndex, live, v6);
    }

    /**
     * Says once per distinct (ipAddrTable, ipAddressTable) pair that the two tables disagree; remembers the last
     * {@value #MAX_PAIRS} pairs, so a long-running agent neither floods the log nor grows.
     */
    static final class LagNotices {
        static final int MAX_PAIRS = 64;
        private final Consumer<String> log;
        private final Map<String, Boolean> told = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > MAX_PAIRS;
            }
        };

        LagNotices(Consumer<String> log) {
            this.log = log;
        }

        void disagree(int ifIndex, List<InetAddress> live, List<InetAddress> cached) {
            String liveText = shown(live);
            String cachedText = shown(cached);
            synchronized (told) {
                if (told.put(ifIndex + " " + liveText + " " + cachedText, Boolean.TRUE) != null) return;
            }
            log.accept("SNMP: the router's ipAddressTable lags: it says " + cachedText + " for ifIndex " + ifIndex
                    + " while the live ipAddrTable says " + liveText + "; using ipAddrTable");
        }

        private static String shown(List<InetAddress> addresses) {
            return addresses.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
        }
    }

    /**
     * Not link-local, ULA, loopback, unspecified or multicast; and really IPv6 (Java turns an IPv4-mapped address
     * ::ffff:a.b.c.d into an Inet4Address).
     */
    private static boolean isGlobalIpv6(InetAddress a) {
        return a instanceof Inet6Address && !a.isLinkLocalAddress() && (a.getAddress()[0] & 0xfe) != 0xfc
                && !a.isLoopbackAddress() && !a.isAnyLocalAddress() && !a.isMulticastAddress();
    }

    private static InetAddress address(int[] idx, int from, int length) throws SnmpException {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            if (idx[from + i] < 0 || idx[from + i] > 255) {
                throw new SnmpException("the router's address table has an index that is not an address");
            }
            b[i] = (byte) idx[from + i];
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new SnmpException("the router's address table has an index that is not an address");
        }
    }

    private static int integer(OID oid, Variable v) throws SnmpException {
        if (!(v instanceof Integer32 i)) {
            throw new SnmpException("the router sent " + v.getSyntaxString() + " for " + shown(oid)
                    + ", expected an INTEGER");
        }
        return i.getValue();
    }

    private Variable get(OID oid) throws IOException {
        PDU pdu = target.version() == SnmpTarget.Version.V3 ? new ScopedPDU() : new PDU();
        pdu.setType(PDU.GET);
        pdu.add(new VariableBinding(oid));
        ResponseEvent<Address> event = snmp.send(pdu, snmpTarget);
        PDU response = event.getResponse();
        if (response == null) throw new SnmpException(noReply(target));
        return value(oid, response, target);
    }

    /** The value in the router's response to a GET of {@code oid}; null when it has no such object. */
    static Variable value(OID oid, PDU response, SnmpTarget target) throws SnmpException {
        checkReport(response, target);
        if (response.getErrorStatus() != PDU.noError) {
            throw new SnmpException("the router answered " + response.getErrorStatusText() + " for " + oid);
        }
        if (response.size() == 0) throw new SnmpException("the router's answer for " + oid + " has no value");
        Variable v = response.get(0).getVariable();
        return v.isException() ? null : v;
    }

    private Map<OID, Variable> walk(OID column) throws IOException {
        TreeUtils tree = new TreeUtils(snmp, new DefaultPDUFactory(PDU.GETBULK));
        tree.setMaxRepetitions(20);
        Map<OID, Variable> out = new LinkedHashMap<>();
        for (TreeEvent event : tree.getSubtree(snmpTarget, column)) {
            if (event.isError()) {
                throw walkFailed(column, event.getStatus(), event.getReportPDU(), event::getErrorMessage, target);
            }
            VariableBinding[] vbs = event.getVariableBindings();
            if (vbs == null) continue;
            for (VariableBinding vb : vbs) {
                if (vb != null && !vb.getVariable().isException()) out.put(vb.getOid(), vb.getVariable());
            }
        }
        return out;
    }

    /** Why walking {@code column} failed, from the walk's status, its report PDU (or null) and its error text. */
    static SnmpException walkFailed(OID column, int status, PDU report, Supplier<String> errorMessage,
                                    SnmpTarget target) {
        if (status == TreeEvent.STATUS_TIMEOUT) return new SnmpException(noReply(target));
        try {
            if (report != null) checkReport(report, target);
        } catch (SnmpException e) {
            return e;
        }
        // SNMP4J's text for a report quotes the router's variable binding (or fails on an empty report)
        if (status == TreeEvent.STATUS_REPORT) return new SnmpException("walking " + column + " failed: the router"
                + " sent an SNMP report");
        String m = errorMessage.get();
        return new SnmpException("walking " + column + " failed" + (m == null || m.isBlank() ? " (status " + status
                + ")" : ": " + m));
    }

    static void checkReport(PDU pdu, SnmpTarget target) throws SnmpException {
        if (pdu.getType() != PDU.REPORT) return;
        if (pdu.size() == 0) throw new SnmpException("the router sent an empty SNMP report");
        OID oid = pdu.get(0).getOid();
        if (oid.startsWith(SnmpConstants.usmStatsWrongDigests)) {
            throw new SnmpException("SNMPv3 authentication failed at " + target.host()
                    + " (usmStatsWrongDigests): wrong authPassphrase or authProtocol");
        }
        if (oid.startsWith(SnmpConstants.usmStatsUnknownUserNames)) {
            throw new SnmpException("SNMPv3 user '" + target.user() + "' is unknown to " + target.host()
                    + " (usmStatsUnknownUserNames)");
        }
        if (oid.startsWith(SnmpConstants.usmStatsDecryptionErrors)) {
            throw new SnmpException("SNMPv3 decryption failed at " + target.host()
                    + " (usmStatsDecryptionErrors): wrong privPassphrase or privProtocol");
        }
        if (oid.startsWith(SnmpConstants.usmStatsUnsupportedSecLevels)) {
            throw new SnmpException("the router does not allow this SNMPv3 security level for user '"
                    + target.user() + "' (usmStatsUnsupportedSecLevels)");
        }
        throw new SnmpException("the router sent an SNMP report " + shown(oid));
    }

    /** An OID the router chose (up to 128 sub-identifiers), cut short for a message. */
    static String shown(OID oid) {
        String s = oid.toDottedString();
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

    @Override
    public void close() throws IOException {
        snmp.close();
    }
}
