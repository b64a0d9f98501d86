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
}
