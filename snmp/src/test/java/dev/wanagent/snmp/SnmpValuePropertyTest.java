package dev.wanagent.snmp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.snmp4j.PDU;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.IpAddress;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.Opaque;
import org.snmp4j.smi.SMIConstants;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.UnsignedInteger32;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.util.RetrievalEvent;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an SNMP agent may answer, fed as SNMP4J values straight into the code that turns them into an ifIndex and
 * addresses: any Variable type, any index, any error status. Only SnmpException may come out, saying what is wrong.
 */
class SnmpValuePropertyTest {
    private static final int MAX_MESSAGE = 1024;
    private static final SnmpTarget V2C = new SnmpTarget("192.168.77.1", 161, SnmpTarget.Version.V2C, "public", "",
            SnmpTarget.Auth.SHA, "", Optional.empty(), "", 1500, 1);
    private static final SnmpTarget V3 = new SnmpTarget("192.168.77.1", 161, SnmpTarget.Version.V3, "", "wanread",
            SnmpTarget.Auth.SHA256, "authpass123", Optional.of(SnmpTarget.Priv.AES128), "privpass123", 1500, 1);

    // ---- values -------------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<Variable> variables() {
        Arbitrary<byte[]> bytes = Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                Arbitraries.just(new byte[60_000]), Arbitraries.just("eth1\r\n[main] INFO forged".getBytes()));
        return Arbitraries.oneOf(
                Arbitraries.integers().map(i -> (Variable) new Integer32(i)),
                bytes.map(b -> (Variable) new OctetString(b)),
                Arbitraries.bytes().array(byte[].class).ofSize(4).map(b -> (Variable) new IpAddress(b)),
                Arbitraries.longs().between(0, 0xffffffffL).map(l -> (Variable) new Counter32(l)),
                Arbitraries.longs().between(0, 0xffffffffL).map(l -> (Variable) new Gauge32(l)),
                Arbitraries.longs().between(0, 0xffffffffL).map(l -> (Variable) new UnsignedInteger32(l)),
                Arbitraries.longs().between(0, 0xffffffffL).map(l -> (Variable) new TimeTicks(l)),
                Arbitraries.longs().map(l -> (Variable) new Counter64(l)),
                subIds(20).map(ids -> (Variable) new OID(ids)),
                bytes.map(b -> (Variable) new Opaque(b)),
                Arbitraries.of(SMIConstants.SYNTAX_NULL, SMIConstants.EXCEPTION_NO_SUCH_OBJECT,
                        SMIConstants.EXCEPTION_NO_SUCH_INSTANCE, SMIConstants.EXCEPTION_END_OF_MIB_VIEW)
                        .map(s -> (Variable) new Null(s)));
    }

    /** Sub-identifiers as SNMP4J holds them: unsigned 32-bit in an int (so "negative" ones are > 2^31). */
    private static Arbitrary<int[]> subIds(int max) {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 300),
                Arbitraries.integers(), Arbitraries.of(0, -1, 255, 256, Integer.MAX_VALUE))
                .array(int[].class).ofMaxSize(max);
    }

    private static Arbitrary<Variable> ifIndexValue(Arbitrary<Variable> any) {
        return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(1, 2, 3).map(i -> (Variable) new Integer32(i))),
                Tuple.of(1, Arbitraries.of(0, -1, Integer.MAX_VALUE).map(i -> (Variable) new Integer32(i))),
                Tuple.of(2, any));
    }

    // ---- ipAddressTable / ipAddrTable ---------------------------------------------------------------------------

    @Provide
    Arbitrary<int[]> addressIndexes() {
        Arbitrary<Integer> octet = Arbitraries.integers().between(0, 255);
        return Arbitraries.oneOf(
                octet.array(int[].class).ofSize(4).map(a -> concat(new int[] {1, 4}, a)),
                octet.array(int[].class).ofSize(16).map(a -> concat(new int[] {2, 16}, a)),
                octet.array(int[].class).ofSize(4).map(a -> concat(new int[] {2, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                        255, 255}, a)),                                                // IPv4-mapped IPv6
                Arbitraries.of(new int[] {2, 16, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
                        new int[] {2, 16, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
                        new int[] {2, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
                        new int[] {2, 16, 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
                        new int[] {1, 4, 256, 1, 1, 1}, new int[] {1, 4, -1, 1, 1, 1}, new int[] {1, 4, 1, 2, 3},
                        new int[] {2, 16, 1}, new int[] {3, 8, 1, 2, 3, 4, 0, 0, 0, 5}, new int[] {}),
                subIds(20));
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = new int[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Provide
    Arbitrary<Map<OID, Map<OID, Variable>>> addressTables() {
        Arbitrary<Variable> any = variables();
        Arbitrary<Variable> type = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(1, 2, 3)
                .map(i -> (Variable) new Integer32(i))), Tuple.of(1, any));
        Arbitrary<Variable> status = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(1, 2, 5)
                .map(i -> (Variable) new Integer32(i))), Tuple.of(1, any));
        Arbitrary<List<Object[]>> rows = Combinators.combine(addressIndexes(), ifIndexValue(any),
                        Arbitraries.oneOf(type, Arbitraries.just(null)), Arbitraries.oneOf(status, Arbitraries.just(null)))
                .as((idx, ifi, t, s) -> new Object[] {idx, ifi, t, s}).list().ofMaxSize(8);
        Arbitrary<List<Object[]>> oldRows = Combinators.combine(
                        Arbitraries.oneOf(Arbitraries.integers().between(0, 255).array(int[].class).ofSize(4), subIds(6)),
                        ifIndexValue(any))
                .as((idx, ifi) -> new Object[] {idx, ifi}).list().ofMaxSize(4);
        return Combinators.combine(rows, oldRows).as((r, o) -> {
            Map<OID, Map<OID, Variable>> tables = new LinkedHashMap<>();
            for (OID c : List.of(SnmpRouter.IP_ADDRESS_IF_INDEX, SnmpRouter.IP_ADDRESS_TYPE,
                    SnmpRouter.IP_ADDRESS_STATUS, SnmpRouter.IP_ADDR_IF_INDEX)) {
                tables.put(c, new LinkedHashMap<>());
            }
            for (Object[] row : r) {
                int[] idx = (int[]) row[0];
                tables.get(SnmpRouter.IP_ADDRESS_IF_INDEX).put(new OID(SnmpRouter.IP_ADDRESS_IF_INDEX).append(new OID(idx)),
                        (Variable) row[1]);
                if (row[2] != null) tables.get(SnmpRouter.IP_ADDRESS_TYPE)
                        .put(new OID(SnmpRouter.IP_ADDRESS_TYPE).append(new OID(idx)), (Variable) row[2]);
                if (row[3] != null) tables.get(SnmpRouter.IP_ADDRESS_STATUS)
                        .put(new OID(SnmpRouter.IP_ADDRESS_STATUS).append(new OID(idx)), (Variable) row[3]);
            }
            for (Object[] row : o) {
                tables.get(SnmpRouter.IP_ADDR_IF_INDEX).put(new OID(SnmpRouter.IP_ADDR_IF_INDEX)
                        .append(new OID((int[]) row[0])), (Variable) row[1]);
            }
            return tables;
        });
    }

    private static SnmpRouter.Walk walkOf(Map<OID, Map<OID, Variable>> tables) {
        return column -> tables.getOrDefault(column, Map.of());
    }

    @Property(tries = 500)
    void addressesAreOfTheirFamilyOrTheAnswerIsRefused(@ForAll("addressTables") Map<OID, Map<OID, Variable>> tables,
                                                       @ForAll("ifIndexes") int ifIndex) {
        WanAddresses a;
        try {
            a = SnmpRouter.addresses(ifIndex, walkOf(tables));
        } catch (SnmpException e) {
            assertCleanMessage(e);
            return;
        } catch (java.io.IOException e) {
            throw new AssertionError("only SnmpException is expected", e);
        }
        for (InetAddress v4 : a.ipv4()) assertTrue(v4 instanceof Inet4Address, v4.toString());
        for (InetAddress v6 : a.ipv6()) {
            assertTrue(v6 instanceof Inet6Address, "an IPv6 entry that is " + v6);
            assertFalse(v6.isLinkLocalAddress() || (v6.getAddress()[0] & 0xfe) == 0xfc, "not global: " + v6);
            assertFalse(v6.isLoopbackAddress() || v6.isAnyLocalAddress() || v6.isMulticastAddress(),
                    "not global: " + v6);
        }
    }

    @Provide
    Arbitrary<Integer> ifIndexes() {
        return Arbitraries.of(1, 2, 3);
    }

    // ---- default route, interface names ------------------------------------------------------------------------

    @Provide
    Arbitrary<Map<OID, Variable>> routeTables() {
        Arbitrary<int[]> index = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 255).array(int[].class).ofSize(4).map(gw ->
                        concat(new int[] {1, 4, 0, 0, 0, 0, 0, 2, 0, 0, 1, 4}, gw)),  // the default route
                Arbitraries.integers().between(0, 255).array(int[].class).ofSize(4).map(dst ->
                        concat(new int[] {1, 4}, concat(dst, new int[] {24, 2, 0, 0, 1, 4, 0, 0, 0, 0}))),
                Arbitraries.of(new int[] {1, 4, 0, 0, 0, 0, 0}, new int[] {1, 4, 0, 0, 0, 0}, new int[] {}),
                subIds(30));
        return Combinators.combine(index, ifIndexValue(variables())).as((i, v) -> Map.entry(i, v)).list().ofMaxSize(5)
                .map(rows -> {
                    Map<OID, Variable> m = new LinkedHashMap<>();
                    rows.forEach(r -> m.put(new OID(SnmpRouter.INET_CIDR_ROUTE_IF_INDEX).append(new OID(r.getKey())),
                            r.getValue()));
                    return m;
                });
    }

    @Property(tries = 400)
    void theDefaultRouteGivesAnInterfaceIndexOrTheAnswerIsRefused(@ForAll("routeTables") Map<OID, Variable> routes,
                                                                  @ForAll("maybeVariables") Optional<Variable> old) {
        int ifIndex;
        try {
            ifIndex = SnmpRouter.defaultRouteIfIndex(c -> c.equals(SnmpRouter.INET_CIDR_ROUTE_IF_INDEX) ? routes
                    : Map.of(), oid -> old.orElse(null));
        } catch (SnmpException e) {
            assertCleanMessage(e);
            return;
        } catch (java.io.IOException e) {
            throw new AssertionError("only SnmpException is expected", e);
        }
        assertTrue(ifIndex >= 1, "ifIndex " + ifIndex + " is no interface (InterfaceIndex is 1..2147483647)");
    }

    @Provide
    Arbitrary<Optional<Variable>> maybeVariables() {
        return Arbitraries.oneOf(Arbitraries.just(Optional.empty()), ifIndexValue(variables()).map(Optional::of));
    }

    @Provide
    Arbitrary<Map<OID, Map<OID, Variable>>> nameTables() {
        Arbitrary<Variable> name = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("pppoe-wan", "eth1", "lo", "pppoe-wan\r\n", "").map(s -> (Variable)
                        new OctetString(s))),
                Tuple.of(1, variables()));
        Arbitrary<int[]> index = Arbitraries.oneOf(Arbitraries.integers().between(1, 20).map(i -> new int[] {i}),
                Arbitraries.of(new int[] {0}, new int[] {-1}, new int[] {}, new int[] {1, 2}), subIds(4));
        Arbitrary<Map<OID, Variable>> column = Combinators.combine(index, name).as(Map::entry).list().ofMaxSize(5)
                .map(rows -> {
                    Map<OID, Variable> m = new LinkedHashMap<>();
                    rows.forEach(r -> m.put(new OID(r.getKey()), r.getValue()));
                    return m;
                });
        return Combinators.combine(column, column).as((n, d) -> {
            Map<OID, Map<OID, Variable>> t = new LinkedHashMap<>();
            t.put(SnmpRouter.IF_NAME, prefixed(SnmpRouter.IF_NAME, n));
            t.put(SnmpRouter.IF_DESCR, prefixed(SnmpRouter.IF_DESCR, d));
            return t;
        });
    }

    private static Map<OID, Variable> prefixed(OID column, Map<OID, Variable> rows) {
        Map<OID, Variable> m = new LinkedHashMap<>();
        rows.forEach((k, v) -> m.put(new OID(column).append(k), v));
        return m;
    }

    @Property(tries = 400)
    void anInterfaceNameGivesAnInterfaceIndexOrTheAnswerIsRefused(
            @ForAll("nameTables") Map<OID, Map<OID, Variable>> tables, @ForAll("names") String name) {
        int ifIndex;
        try {
            ifIndex = SnmpRouter.ifIndexByName(name, walkOf(tables));
        } catch (SnmpException e) {
            assertCleanMessage(e);
            return;
        } catch (java.io.IOException e) {
            throw new AssertionError("only SnmpException is expected", e);
        }
        assertTrue(ifIndex >= 1, "ifIndex " + ifIndex + " is no interface");
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.of("pppoe-wan", "eth1");
    }

    // ---- whole responses ---------------------------------------------------------------------------------------

    @Provide
    Arbitrary<PDU> pdus() {
        int[] longest = new int[OID.MAX_OID_LEN];
        java.util.Arrays.fill(longest, -1); // 4294967295 each
        Arbitrary<OID> oid = Arbitraries.oneOf(subIds(140).map(OID::new), Arbitraries.just(new OID(longest)),
                Arbitraries.of(
                SnmpConstants.usmStatsWrongDigests, SnmpConstants.usmStatsUnknownUserNames,
                SnmpConstants.usmStatsDecryptionErrors, SnmpConstants.usmStatsUnsupportedSecLevels,
                SnmpConstants.usmStatsNotInTimeWindows, SnmpConstants.snmpTrapOID));
        Arbitrary<VariableBinding> vb = Combinators.combine(oid, Arbitraries.oneOf(variables(),
                Arbitraries.of(SnmpTrapListener.LINK_UP, SnmpTrapListener.LINK_DOWN).map(o -> (Variable) o)))
                .as(VariableBinding::new);
        return Combinators.combine(Arbitraries.of(PDU.RESPONSE, PDU.REPORT, PDU.GET, PDU.NOTIFICATION, PDU.TRAP, 0),
                Arbitraries.oneOf(Arbitraries.of(0, 0, 0, 2, 5, 18), Arbitraries.integers()), vb.list().ofMaxSize(3))
                .as((type, status, vbs) -> {
                    PDU p = new PDU();
                    p.setType(type);
                    p.setErrorStatus(status);
                    vbs.forEach(p::add);
                    return p;
                });
    }

    @Property(tries = 500)
    void aGetResponseGivesItsValueOrSaysWhatIsWrong(@ForAll("pdus") PDU response, @ForAll boolean v3) {
        try {
            SnmpRouter.value(SnmpRouter.IP_ROUTE_IF_INDEX_DEFAULT, response, v3 ? V3 : V2C);
        } catch (SnmpException e) {
            assertCleanMessage(e);
        }
    }

    /** What SNMP4J's RetrievalEvent.getErrorMessage() says for a failed walk step (SNMP4J 3.9.6). */
    private static String snmp4jErrorMessage(int status, PDU report, String exceptionMessage) {
        return switch (status) {
            case RetrievalEvent.STATUS_EXCEPTION -> exceptionMessage;
            case RetrievalEvent.STATUS_REPORT -> "Report: " + report.get(0);
            case RetrievalEvent.STATUS_TIMEOUT -> "Request timed out.";
            case RetrievalEvent.STATUS_WRONG_ORDER -> "Agent did not return variable bindings in lexicographic order.";
            default -> PDU.toErrorStatusText(status);
        };
    }

    @Property(tries = 500)
    void aFailedWalkSaysWhatIsWrong(@ForAll("walkStatuses") int status, @ForAll("pdus") PDU pdu,
                                    @ForAll boolean withReport, @ForAll("exceptionMessages") String exceptionMessage) {
        PDU report = withReport || status == RetrievalEvent.STATUS_REPORT ? pdu : null;
        SnmpException e = SnmpRouter.walkFailed(SnmpRouter.IF_NAME, status, report,
                () -> snmp4jErrorMessage(status, report, exceptionMessage), V3);
        assertNotNull(e);
        assertCleanMessage(e);
    }

    @Provide
    Arbitrary<Integer> walkStatuses() {
        return Arbitraries.oneOf(Arbitraries.of(RetrievalEvent.STATUS_TIMEOUT, RetrievalEvent.STATUS_REPORT,
                RetrievalEvent.STATUS_EXCEPTION, RetrievalEvent.STATUS_WRONG_ORDER, 2, 5, 13),
                Arbitraries.integers());
    }

    @Provide
    Arbitrary<String> exceptionMessages() {
        return Arbitraries.of("Transport closed", "");
    }

    @Property(tries = 300)
    void aTrapIsLinkUpLinkDownOrNothing(@ForAll("pdus") PDU pdu) {
        Optional<String> kind = SnmpTrapListener.linkChange(pdu);
        kind.ifPresent(k -> assertTrue(Set.of("linkUp", "linkDown").contains(k)));
    }

    // ---- messages ----------------------------------------------------------------------------------------------

    private static void assertCleanMessage(Throwable e) {
        String m = e.getMessage();
        assertNotNull(m, e.getClass().getName() + " without a message");
        assertFalse(m.isBlank(), "blank message");
        assertTrue(m.length() <= MAX_MESSAGE, () -> "over " + MAX_MESSAGE + " chars: " + m.length());
        for (int i = 0; i < m.length(); i++) {
            char c = m.charAt(i);
            int at = i;
            assertFalse(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c),
                    () -> String.format("character U+%04X at %d in: %s", (int) c, at, m.replaceAll("[^\\x20-\\x7e]",
                            "?")));
        }
    }
}
