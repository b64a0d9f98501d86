package dev.wanagent.snmp;

import org.junit.jupiter.api.Test;
import org.snmp4j.PDU;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.util.RetrievalEvent;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How the router's tables are read, on tables given as values (no SNMP agent needed). */
class SnmpRouterTest {
    private static final SnmpTarget TARGET = new SnmpTarget("192.168.77.1", 161, SnmpTarget.Version.V2C, "public", "",
            SnmpTarget.Auth.SHA, "", Optional.empty(), "", 1500, 1);

    private static OID row(OID column, int... index) {
        return new OID(column).append(new OID(index));
    }

    private static SnmpRouter.Walk tables(Map<OID, Map<OID, Variable>> tables) {
        return column -> tables.getOrDefault(column, Map.of());
    }

    @Test
    void readsTheWanAddressesOfAnInterface() throws Exception {
        Map<OID, Variable> ifIndexes = new LinkedHashMap<>();
        ifIndexes.put(row(SnmpRouter.IP_ADDRESS_IF_INDEX, 1, 4, 11, 22, 33, 44), new Integer32(3));
        ifIndexes.put(row(SnmpRouter.IP_ADDRESS_IF_INDEX, 1, 4, 192, 168, 77, 1), new Integer32(2));
        ifIndexes.put(row(SnmpRouter.IP_ADDRESS_IF_INDEX, 2, 16, 0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0x44), new Integer32(3));
        ifIndexes.put(row(SnmpRouter.IP_ADDRESS_IF_INDEX, 2, 16, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
                new Integer32(3));
        // IPv4-mapped: Java makes an Inet4Address of ::ffff:6.6.6.6; it is no IPv6 address of the interface
        ifIndexes.put(row(SnmpRouter.IP_ADDRESS_IF_INDEX, 2, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 6, 6, 6, 6),
                new Integer32(3));
        WanAddresses a = SnmpRouter.addresses(3, tables(Map.of(SnmpRouter.IP_ADDRESS_IF_INDEX, ifIndexes)));
        assertEquals(List.of(InetAddress.getByName("11.22.33.44")), a.ipv4());
        assertEquals(List.of(InetAddress.getByName("2001:db8::44")), a.ipv6());
    }

    @Test
    void aDefaultRouteWithoutInterfaceIsPassedOver() throws Exception {
        Map<OID, Variable> routes = new LinkedHashMap<>();
        routes.put(row(SnmpRouter.INET_CIDR_ROUTE_IF_INDEX, 1, 4, 0, 0, 0, 0, 0, 2, 0, 0, 1, 4, 0, 0, 0, 0),
                new Integer32(0)); // an unreachable default route: InterfaceIndexOrZero 0
        routes.put(row(SnmpRouter.INET_CIDR_ROUTE_IF_INDEX, 1, 4, 0, 0, 0, 0, 0, 2, 0, 0, 1, 4, 11, 22, 33, 1),
                new Integer32(5));
        assertEquals(5, SnmpRouter.defaultRouteIfIndex(tables(Map.of(SnmpRouter.INET_CIDR_ROUTE_IF_INDEX, routes)),
                oid -> null));
        SnmpException e = assertThrows(SnmpException.class,
                () -> SnmpRouter.defaultRouteIfIndex(tables(Map.of()), oid -> new Integer32(0)));
        assertEquals("the router's default route has no interface (ipRouteIfIndex 0): set router.snmp.wanInterface",
                e.getMessage());
    }

    @Test
    void anInterfaceIsFoundByNameOnlyInRowsThatAreInterfaces() throws Exception {
        Map<OID, Variable> names = new LinkedHashMap<>();
        names.put(row(SnmpRouter.IF_NAME, 0), new OctetString("pppoe-wan"));     // ifIndex 0: no interface
        names.put(row(SnmpRouter.IF_NAME, 7, 1), new OctetString("pppoe-wan"));  // not an ifName row
        names.put(row(SnmpRouter.IF_NAME, 9), new OctetString("pppoe-wan"));
        assertEquals(9, SnmpRouter.ifIndexByName("pppoe-wan", tables(Map.of(SnmpRouter.IF_NAME, names))));
        assertThrows(SnmpException.class, () -> SnmpRouter.ifIndexByName("eth1", tables(Map.of(SnmpRouter.IF_NAME,
                names))));
    }

    @Test
    void anEmptyAnswerIsAnErrorThatSaysSo() {
        PDU empty = new PDU();
        empty.setType(PDU.RESPONSE);
        SnmpException e = assertThrows(SnmpException.class,
                () -> SnmpRouter.value(SnmpRouter.IP_ROUTE_IF_INDEX_DEFAULT, empty, TARGET));
        assertEquals("the router's answer for 1.3.6.1.2.1.4.21.1.2.0.0.0.0 has no value", e.getMessage());
        PDU report = new PDU();
        report.setType(PDU.REPORT);
        assertEquals("the router sent an empty SNMP report", SnmpRouter.walkFailed(SnmpRouter.IF_NAME,
                RetrievalEvent.STATUS_REPORT, report, () -> "Report: " + report.get(0), TARGET).getMessage());
    }

    @Test
    void aLongReportOidIsCutShort() {
        int[] longest = new int[OID.MAX_OID_LEN];
        java.util.Arrays.fill(longest, -1);
        PDU report = new PDU();
        report.setType(PDU.REPORT);
        report.add(new VariableBinding(new OID(longest), new OctetString("x\r\nforged")));
        SnmpException e = assertThrows(SnmpException.class, () -> SnmpRouter.checkReport(report, TARGET));
        assertEquals("the router sent an SNMP report " + "4294967295.".repeat(11).substring(0, 120) + "…",
                e.getMessage());
    }

    private static Map<OID, Variable> ipAddrTable(Object... rows) {
        Map<OID, Variable> m = new LinkedHashMap<>();
        for (int i = 0; i < rows.length; i += 2) {
            int[] a = (int[]) rows[i];
            m.put(row(SnmpRouter.IP_ADDR_IF_INDEX, a), new Integer32((Integer) rows[i + 1]));
        }
        return m;
    }

    /** ipAddressTable's ifIndex column: rows of (type.len.octets, ifIndex). */
    private static Map<OID, Variable> ipAddressTable(Object... rows) {
        Map<OID, Variable> m = new LinkedHashMap<>();
        for (int i = 0; i < rows.length; i += 2) {
            m.put(row(SnmpRouter.IP_ADDRESS_IF_INDEX, (int[]) rows[i]), new Integer32((Integer) rows[i + 1]));
        }
        return m;
    }

    private static final int[] WAN_OLD = {1, 4, 11, 22, 33, 44};
    private static final int[] WAN_V6 = {2, 16, 0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x44};

    @Test
    void ipv4ComesFromTheLiveIpAddrTableAndIpv6FromIpAddressTable() throws Exception {
        List<String> notices = new ArrayList<>();
        SnmpRouter.LagNotices lag = new SnmpRouter.LagNotices(notices::add);
        // right after a WAN change: ipAddrTable is live, net-snmp's ipAddressTable still has the old address
        Map<OID, Map<OID, Variable>> t = Map.of(
                SnmpRouter.IP_ADDR_IF_INDEX, ipAddrTable(new int[] {11, 22, 33, 45}, 3, new int[] {192, 168, 77, 1}, 2),
                SnmpRouter.IP_ADDRESS_IF_INDEX, ipAddressTable(WAN_OLD, 3, WAN_V6, 3, new int[] {1, 4, 192, 168, 77, 1}, 2));
        WanAddresses a = SnmpRouter.addresses(3, tables(t), lag);
        assertEquals(List.of(InetAddress.getByName("11.22.33.45")), a.ipv4());
        assertEquals(List.of(InetAddress.getByName("2001:db8::44")), a.ipv6());
        assertEquals(List.of("SNMP: the router's ipAddressTable lags: it says 11.22.33.44 for ifIndex 3 while the live"
                + " ipAddrTable says 11.22.33.45; using ipAddrTable"), notices);
        // said once per pair, not at every read
        SnmpRouter.addresses(3, tables(t), lag);
        assertEquals(1, notices.size());
        // the tables agree again: nothing to say
        Map<OID, Map<OID, Variable>> agree = Map.of(
                SnmpRouter.IP_ADDR_IF_INDEX, ipAddrTable(new int[] {11, 22, 33, 45}, 3),
                SnmpRouter.IP_ADDRESS_IF_INDEX, ipAddressTable(new int[] {1, 4, 11, 22, 33, 45}, 3));
        assertEquals(List.of(InetAddress.getByName("11.22.33.45")), SnmpRouter.addresses(3, tables(agree), lag).ipv4());
        assertEquals(1, notices.size());
        // another pair (the next change) is said again
        Map<OID, Map<OID, Variable>> next = Map.of(
                SnmpRouter.IP_ADDR_IF_INDEX, ipAddrTable(new int[] {11, 22, 33, 46}, 3),
                SnmpRouter.IP_ADDRESS_IF_INDEX, ipAddressTable(new int[] {1, 4, 11, 22, 33, 45}, 3));
        assertEquals(List.of(InetAddress.getByName("11.22.33.46")), SnmpRouter.addresses(3, tables(next), lag).ipv4());
        assertEquals(2, notices.size());
    }

    @Test
    void ipAddressTableGivesIpv4WhenIpAddrTableHasNothingForTheInterface() throws Exception {
        List<String> notices = new ArrayList<>();
        SnmpRouter.LagNotices lag = new SnmpRouter.LagNotices(notices::add);
        Map<OID, Variable> newer = ipAddressTable(WAN_OLD, 3, WAN_V6, 3);
        // no ipAddrTable at all
        WanAddresses a = SnmpRouter.addresses(3, tables(Map.of(SnmpRouter.IP_ADDRESS_IF_INDEX, newer)), lag);
        assertEquals(List.of(InetAddress.getByName("11.22.33.44")), a.ipv4());
        assertEquals(List.of(InetAddress.getByName("2001:db8::44")), a.ipv6());
        // an ipAddrTable without a row for ifIndex 3
        a = SnmpRouter.addresses(3, tables(Map.of(SnmpRouter.IP_ADDRESS_IF_INDEX, newer,
                SnmpRouter.IP_ADDR_IF_INDEX, ipAddrTable(new int[] {192, 168, 77, 1}, 2))), lag);
        assertEquals(List.of(InetAddress.getByName("11.22.33.44")), a.ipv4());
        assertEquals(List.of(), notices);
        // and the other way round: no ipAddressTable (OpenWrt), so no IPv6
        a = SnmpRouter.addresses(3, tables(Map.of(SnmpRouter.IP_ADDR_IF_INDEX,
                ipAddrTable(new int[] {11, 22, 33, 47}, 3))), lag);
        assertEquals(List.of(InetAddress.getByName("11.22.33.47")), a.ipv4());
        assertEquals(List.of(), a.ipv6());
        // neither has IPv4 for the interface
        a = SnmpRouter.addresses(3, tables(Map.of(SnmpRouter.IP_ADDRESS_IF_INDEX, ipAddressTable(WAN_V6, 3))), lag);
        assertEquals(List.of(), a.ipv4());
        assertEquals(List.of(), notices);
    }

    @Test
    void aLagNoticeNamesAllAddressesAndForgetsOldPairs() {
        List<String> notices = new ArrayList<>();
        SnmpRouter.LagNotices lag = new SnmpRouter.LagNotices(notices::add);
        for (int i = 0; i <= SnmpRouter.LagNotices.MAX_PAIRS; i++) {
            lag.disagree(2, List.of(address(10, 0, 0, i)), List.of(address(10, 0, 1, i), address(10, 0, 2, i)));
        }
        assertEquals(SnmpRouter.LagNotices.MAX_PAIRS + 1, notices.size());
        assertEquals("SNMP: the router's ipAddressTable lags: it says 10.0.1.0, 10.0.2.0 for ifIndex 2 while the live"
                + " ipAddrTable says 10.0.0.0; using ipAddrTable", notices.get(0));
        lag.disagree(2, List.of(address(10, 0, 0, 0)), List.of(address(10, 0, 1, 0), address(10, 0, 2, 0)));
        assertEquals(SnmpRouter.LagNotices.MAX_PAIRS + 2, notices.size(), "the eldest pair was forgotten");
    }

    private static InetAddress address(int... octets) {
        byte[] b = new byte[octets.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) octets[i];
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
