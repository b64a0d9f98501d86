package dev.wanagent.pcp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * A PCP/NAT-PMP server on 127.0.0.1 shaped like RFC 6886/6887 answers: the handler sees each request and returns
 * the datagrams to send back (each from the server's socket, or from {@link #spoofer} for wrong-source tests).
 */
final class FakeRouter implements AutoCloseable {
    record Reply(byte[] data, boolean fromOtherPort) {
        static Reply of(byte[] data) {
            return new Reply(data, false);
        }
    }

    final DatagramSocket socket;
    final DatagramSocket spoofer;
    final List<byte[]> requests = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;

    FakeRouter(Function<byte[], List<Reply>> handler) throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        spoofer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(() -> {
            byte[] buf = new byte[2048];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    byte[] req = java.util.Arrays.copyOf(p.getData(), p.getLength());
                    requests.add(req);
                    for (Reply r : handler.apply(req)) {
                        (r.fromOtherPort() ? spoofer : socket).send(new DatagramPacket(r.data(), r.data().length,
                                p.getSocketAddress()));
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "fake-pcp-router");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() {
        socket.close();
        spoofer.close();
    }

    // ---- answers as the RFCs shape them ----

    static byte[] natpmpAddress(int result, long epoch, byte[] ipv4) {
        return ByteBuffer.allocate(12).put((byte) 0).put((byte) 128).putShort((short) result).putInt((int) epoch)
                .put(ipv4).array();
    }

    static byte[] natpmpMap(int opcode, int result, long epoch, int internal, int external, long lifetime) {
        return ByteBuffer.allocate(16).put((byte) 0).put((byte) (128 + opcode)).putShort((short) result)
                .putInt((int) epoch).putShort((short) internal).putShort((short) external).putInt((int) lifetime)
                .array();
    }

    /** A PCP answer to {@code request}: header, and for MAP the request's nonce, protocol and internal port. */
    static byte[] pcp(byte[] request, int result, long lifetime, long epoch, int externalPort, byte[] externalIpv4) {
        int opcode = request[1] & 0x7f;
        ByteBuffer b = ByteBuffer.allocate(opcode == 1 ? 60 : 24);
        b.put((byte) 2).put((byte) (0x80 | opcode)).put((byte) 0).put((byte) result).putInt((int) lifetime)
                .putInt((int) epoch).put(new byte[12]);
        if (opcode == 1) {
            b.put(request, 24, 12).put(request[36]).put(new byte[3]).put(request, 40, 2)
                    .putShort((short) externalPort);
            b.put(new byte[10]).put((byte) 0xff).put((byte) 0xff).put(externalIpv4);
        }
        return b.array();
    }

    static long lifetimeOf(byte[] pcpRequest) {
        return ByteBuffer.wrap(pcpRequest, 4, 4).getInt() & 0xffffffffL;
    }

    static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }
}
