package dev.wanagent.ddns;

import dev.wanagent.config.Rfc2136ProviderConfig;
import dev.wanagent.config.Secret;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.wanagent.ddns.ProviderTests.assertFit;
import static dev.wanagent.ddns.ProviderTests.common;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * rfc2136 parses the server's DNS answer (dnsjava): against answers signed or not, with any RCODE, damaged, cut
 * short, signed with another key, or plain bytes, the update never throws, every hostname gets an outcome with a
 * fit detail, and only a NOERROR answer signed with our key is a success.
 */
class Rfc2136AnswersPropertyTest {
    private static final String KEY_NAME = "wan-agent-key";
    private static DatagramSocket server;
    private static volatile Reply reply;
    private static volatile String serverKey = "";
    /**
     * Set by the fake primary for each SIGNED_DAMAGED answer it sends: whether the damage only changed the letter
     * case of the TSIG record's key or algorithm name. DNS names compare without case and RFC 8945 puts both names
     * into the MAC in canonical (lower-case) form, so such an answer is still the same message signed with our key.
     */
    private static volatile boolean damageOnlyInNameCase;
    private static Thread loop;
    /** What made the fake primary fail, for the property to report (else the tries would only time out). */
    private static volatile Throwable serverFailure;

    /** How the fake primary answers one try's UPDATE. */
    record Reply(Kind kind, int rcode, byte[] noise, int cut) {
        enum Kind {
            SIGNED, UNSIGNED, SIGNED_DAMAGED, OTHER_KEY, CUT_SHORT, BYTES,
            /** Signed, then the TSIG Original ID changed (a field outside the MAC, which RFC 8945 verifies through). */
            ORIGINAL_ID_CHANGED,
            /** Signed, then letters of the TSIG key name upper-cased: the same name, the same MAC. */
            KEY_NAME_CASE
        }
    }

    @BeforeContainer
    static void start() throws Exception {
        server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        loop = new Thread(Rfc2136AnswersPropertyTest::serve, "fake-primary");
        loop.setDaemon(true);
        loop.start();
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    private static void serve() {
        byte[] buffer = new byte[65535];
        while (!server.isClosed()) {
            try {
                DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                server.receive(in);
                byte[] answer = answer(Arrays.copyOf(in.getData(), in.getLength()), reply, serverKey);
                server.send(new DatagramPacket(answer, answer.length, in.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                // keep serving: the property reports the failure instead of every later try timing out
                if (!server.isClosed()) serverFailure = e;
            }
        }
    }

    private static byte[] answer(byte[] query, Reply r, String key) throws IOException {
        Message q = new Message(query);
        Message a = new Message(q.getHeader().getID());
        a.getHeader().setFlag(Flags.QR);
        a.getHeader().setOpcode(Opcode.UPDATE);
        a.getHeader().setRcode(r.rcode());
        a.addRecord(q.getQuestion(), Section.ZONE);
        byte[] wire;
        int tsigAt = a.toWire(65535).length; // the TSIG record follows the rest of the message
        switch (r.kind()) {
            case SIGNED, SIGNED_DAMAGED, CUT_SHORT, ORIGINAL_ID_CHANGED, KEY_NAME_CASE ->
                    a.setTSIG(tsig(key), Rcode.NOERROR, q.getTSIG());
            case OTHER_KEY -> a.setTSIG(tsig(otherThan(key)), Rcode.NOERROR, q.getTSIG());
            default -> {
            }
        }
        wire = a.toWire(65535);
        switch (r.kind()) {
            case SIGNED_DAMAGED -> {
                // change some bytes after the ID (the ID must match, or dnsjava waits for another answer)
                byte[] signed = wire.clone();
                for (int i = 0; i < r.noise().length; i++) {
                    int at = 2 + Math.floorMod(r.noise()[i] * 31 + i * 7, wire.length - 2);
                    wire[at] ^= (byte) (1 + Math.floorMod(r.noise()[i], 255));
                }
                damageOnlyInNameCase = onlyNameCaseChanged(signed, wire, tsigAt);
            }
            case ORIGINAL_ID_CHANGED -> {
                // the TSIG RDATA ends with Original ID, Error and Other Len (0: no Other Data)
                if (wire[wire.length - 1] != 0 || wire[wire.length - 2] != 0) {
                    throw new IllegalStateException("the TSIG record has Other Data");
                }
                wire[wire.length - 6 + Math.floorMod(r.noise()[0], 2)] ^= (byte) (1 + Math.floorMod(r.noise()[0], 255));
            }
            case KEY_NAME_CASE -> {
                byte[] signed = wire.clone();
                int owner = Name.fromConstantString(KEY_NAME + ".").length();
                for (int i = tsigAt + 1, bit = 0; i < tsigAt + owner; i++) {
                    if (asciiLetter(wire[i]) && (r.noise()[bit++ % r.noise().length] & 1) == 1 || i == tsigAt + 1) {
                        wire[i] &= (byte) ~0x20;
                    }
                }
                if (!onlyNameCaseChanged(signed, wire, tsigAt)) throw new IllegalStateException("not only case");
            }
            case CUT_SHORT -> wire = Arrays.copyOf(wire, Math.max(2, Math.min(wire.length - 1, r.cut())));
            case BYTES -> {
                byte[] bytes = Arrays.copyOf(r.noise(), Math.max(12, r.noise().length));
                bytes[0] = query[0];
                bytes[1] = query[1];
                wire = bytes;
            }
            default -> {
            }
        }
        return wire;
    }

    /**
     * Whether {@code damaged} differs from {@code signed} only in the case of ASCII letters inside the TSIG record's
     * owner (key) name and algorithm name; the record starts at {@code tsigAt}, its names written uncompressed.
     */
    static boolean onlyNameCaseChanged(byte[] signed, byte[] damaged, int tsigAt) {
        Name owner = Name.fromConstantString(KEY_NAME + ".");
        int algorithmAt = tsigAt + owner.length() + 10; // after the owner: type, class, TTL, RDLENGTH
        // the layout must be as assumed, or this oracle would excuse the wrong bytes
        if (!Arrays.equals(Arrays.copyOfRange(signed, tsigAt, tsigAt + owner.length()), owner.toWire())
                || !Arrays.equals(Arrays.copyOfRange(signed, algorithmAt, algorithmAt + TSIG.HMAC_SHA256.length()),
                TSIG.HMAC_SHA256.toWire())) {
            throw new IllegalStateException("the TSIG record is not where the test expects it");
        }
        for (int i = 0; i < signed.length; i++) {
            if (signed[i] == damaged[i]) continue;
            boolean inNames = i > tsigAt && i < tsigAt + owner.length()
                    || i > algorithmAt && i < algorithmAt + TSIG.HMAC_SHA256.length();
            if (!inNames || !asciiLetter(signed[i]) || (signed[i] ^ damaged[i]) != 0x20) return false;
        }
        return true;
    }

    private static boolean asciiLetter(byte b) {
        int lower = b | 0x20;
        return lower >= 'a' && lower <= 'z';
    }

    /** A key that differs from {@code key} in its first byte (HMAC pads keys with zeros: length alone is no change). */
    private static String otherThan(String key) {
        byte[] k = Base64.getDecoder().decode(key);
        k[0] ^= 0x5a;
        return Base64.getEncoder().encodeToString(k);
    }

    private static TSIG tsig(String key) {
        return new TSIG(TSIG.HMAC_SHA256, Name.fromConstantString(KEY_NAME + "."), key);
    }

    @Provide
    Arbitrary<Reply> replies() {
        return Combinators.combine(Arbitraries.of(Reply.Kind.class),
                Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.just(Rcode.NOERROR)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 15))),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(600),
                Arbitraries.integers().between(0, 200)).as(Reply::new);
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.bytes().array(byte[].class).ofSize(32).map(b -> Base64.getEncoder().encodeToString(b));
    }

    @Property(tries = 250)
    void everyAnswerGivesAFitOutcome(@ForAll("replies") Reply r, @ForAll("keys") String key,
                                     @ForAll @IntRange(min = 1, max = 3) int hostCount, @ForAll boolean ipv6)
            throws Exception {
        List<String> hosts = IntStream.range(0, hostCount).mapToObj(i -> "h" + i + ".example.com").toList();
        reply = r;
        serverKey = key;
        damageOnlyInNameCase = false;
        Rfc2136Provider p = new Rfc2136Provider(new Rfc2136ProviderConfig(common(hosts), "127.0.0.1",
                server.getLocalPort(), "example.com", KEY_NAME, "hmac-sha256", new Secret(key), 60));
        Map<String, UpdateOutcome> out = p.update(hosts, InetAddress.getByName(ipv6 ? "2a00:1450::1" : "11.22.33.44"));
        if (serverFailure != null) throw new AssertionError("the fake primary failed", serverFailure);
        assertFit(out, hosts, key);
        boolean signedWithOurKey = r.kind() == Reply.Kind.SIGNED || r.kind() == Reply.Kind.KEY_NAME_CASE
                || r.kind() == Reply.Kind.SIGNED_DAMAGED && damageOnlyInNameCase;
        boolean good = signedWithOurKey && r.rcode() == Rcode.NOERROR;
        for (UpdateOutcome o : out.values()) {
            assertEquals(good, o.kind() == UpdateOutcome.Kind.SUCCESS, r.kind() + " " + Rcode.string(r.rcode())
                    + (r.kind() == Reply.Kind.SIGNED_DAMAGED && damageOnlyInNameCase ? " (name case only)" : "")
                    + ": " + o);
        }
    }
}
