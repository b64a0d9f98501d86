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
    private static Thread loop;

    /** How the fake primary answers one try's UPDATE. */
    record Reply(Kind kind, int rcode, byte[] noise, int cut) {
        enum Kind { SIGNED, UNSIGNED, SIGNED_DAMAGED, OTHER_KEY, CUT_SHORT, BYTES }
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
            } catch (IOException e) {
                if (!server.isClosed()) throw new IllegalStateException(e);
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
        switch (r.kind()) {
            case SIGNED, SIGNED_DAMAGED, CUT_SHORT -> a.setTSIG(tsig(key), Rcode.NOERROR, q.getTSIG());
            case OTHER_KEY -> a.setTSIG(tsig(otherThan(key)), Rcode.NOERROR, q.getTSIG());
            default -> {
            }
        }
        wire = a.toWire(65535);
        switch (r.kind()) {
            case SIGNED_DAMAGED -> {
                // change some bytes after the ID (the ID must match, or dnsjava waits for another answer)
                for (int i = 0; i < r.noise().length; i++) {
                    int at = 2 + Math.floorMod(r.noise()[i] * 31 + i * 7, wire.length - 2);
                    wire[at] ^= (byte) (1 + Math.floorMod(r.noise()[i], 255));
                }
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
        Rfc2136Provider p = new Rfc2136Provider(new Rfc2136ProviderConfig(common(hosts), "127.0.0.1",
                server.getLocalPort(), "example.com", KEY_NAME, "hmac-sha256", new Secret(key), 60));
        Map<String, UpdateOutcome> out = p.update(hosts, InetAddress.getByName(ipv6 ? "2a00:1450::1" : "11.22.33.44"));
        assertFit(out, hosts, key);
        boolean good = r.kind() == Reply.Kind.SIGNED && r.rcode() == Rcode.NOERROR;
        for (UpdateOutcome o : out.values()) {
            assertEquals(good, o.kind() == UpdateOutcome.Kind.SUCCESS, r.kind() + " " + Rcode.string(r.rcode())
                    + ": " + o);
        }
    }
}
