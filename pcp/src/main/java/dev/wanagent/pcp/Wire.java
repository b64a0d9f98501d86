package dev.wanagent.pcp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The datagrams of RFC 6886 (NAT-PMP, version 0) and RFC 6887 (PCP, version 2), built and parsed. Parsing takes any
 * bytes and throws only {@link PcpException}: MALFORMED for what is not an answer, MISMATCH for an answer to another
 * request. A non-zero result code is returned, not thrown: the caller decides (fallback, error).
 */
final class Wire {
    static final int PORT = 5351;
    static final int NATPMP_VERSION = 0;
    static final int PCP_VERSION = 2;
    /** RFC 6887 §7: a PCP message is at most 1100 bytes. */
    static final int MAX_MESSAGE = 1100;
    static final int PCP_OPCODE_ANNOUNCE = 0;
    static final int PCP_OPTION_PREFER_FAILURE = 2;
    static final int PCP_OPCODE_MAP = 1;
    static final int NONCE_BYTES = 12;

    private Wire() {
    }

    // ---- NAT-PMP (RFC 6886) ----

    /** §3.2: version 0, opcode 0. */
    static byte[] natpmpAddressRequest() {
        return new byte[]{0, 0};
    }

    /** §3.3: version, opcode (1 UDP, 2 TCP), reserved, internal port, suggested external port, lifetime. */
    static byte[] natpmpMapRequest(Transport t, int internalPort, int suggestedExternalPort, long lifetime) {
        ByteBuffer b = ByteBuffer.allocate(12);
        b.put((byte) NATPMP_VERSION).put((byte) t.natpmpOpcode).putShort((short) 0)
                .putShort((short) internalPort).putShort((short) suggestedExternalPort).putInt((int) lifetime);
        return b.array();
    }

    /**
     * A NAT-PMP answer. For opcode 0 {@code address} is set; for a MAP, the ports and lifetime. With a non-zero
     * result the fields after the epoch are not read (their values are undefined).
     */
    record NatpmpAnswer(int opcode, int result, long epoch, InetAddress address, int internalPort, int externalPort,
                        long lifetime) {
    }

    static NatpmpAnswer parseNatpmp(byte[] data, int length, int requestOpcode) throws PcpException {
        if (data == null || length < 4 || length > data.length) {
            throw malformed("NAT-PMP answer of " + Math.max(0, length) + " bytes (at least 4 expected)");
        }
        ByteBuffer b = ByteBuffer.wrap(data, 0, length);
        int version = u8(b);
        int opcode = u8(b);
        int result = u16(b);
        if (version != NATPMP_VERSION) throw malformed("answer of version " + version + " (NAT-PMP is 0)");
        if (opcode != 128 + requestOpcode) {
            throw new PcpException(PcpException.Kind.MISMATCH, "NAT-PMP answer with opcode " + opcode + " (expected "
                    + (128 + requestOpcode) + ")");
        }
        long epoch = length >= 8 ? u32(b) : 0;
        if (result != 0) return new NatpmpAnswer(opcode, result, epoch, null, 0, 0, 0);
        if (requestOpcode == 0) {
            if (length < 12) throw malformed("NAT-PMP external-address answer of " + length + " bytes (12 expected)");
            byte[] a = new byte[4];
            b.get(a);
            return new NatpmpAnswer(opcode, 0, epoch, address(a), 0, 0, 0);
        }
        if (length < 16) throw malformed("NAT-PMP mapping answer of " + length + " bytes (16 expected)");
        return new NatpmpAnswer(opcode, 0, epoch, null, u16(b), u16(b), u32(b));
    }

    // ---- PCP (RFC 6887) ----

    /** §7.1 header: version 2, R=0 and opcode, reserved, lifetime, client address (IPv4-mapped for IPv4). */
    private static ByteBuffer pcpHeader(int size, int opcode, long lifetime, InetAddress client) {
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put((byte) PCP_VERSION).put((byte) (opcode & 0x7f)).putShort((short) 0).putInt((int) lifetime);
        b.put(ipv6Form(client));
        return b;
    }

    static byte[] pcpAnnounceRequest(InetAddress client) {
        return pcpHeader(24, PCP_OPCODE_ANNOUNCE, 0, client).array();
    }

    /** §11.1: header, then nonce, protocol, 3 reserved, internal port, suggested external port and address. */
    static byte[] pcpMapRequest(InetAddress client, byte[] nonce, Transport t, int internalPort,
                                int suggestedExternalPort, InetAddress suggestedExternalAddress, long lifetime) {
        return pcpMapRequest(client, nonce, t, internalPort, suggestedExternalPort, suggestedExternalAddress, lifetime,
                false);
    }

    /**
     * The same, with the PREFER_FAILURE option (§13.2: code 2, no data) when {@code preferFailure}: the router
     * grants exactly the suggested external port or answers CANNOT_PROVIDE_EXTERNAL.
     */
    static byte[] pcpMapRequest(InetAddress client, byte[] nonce, Transport t, int internalPort,
                                int suggestedExternalPort, InetAddress suggestedExternalAddress, long lifetime,
                                boolean preferFailure) {
        ByteBuffer b = pcpHeader(preferFailure ? 64 : 60, PCP_OPCODE_MAP, lifetime, client);
        b.put(nonce, 0, NONCE_BYTES).put((byte) t.ianaNumber).put(new byte[3]);
        b.putShort((short) internalPort).putShort((short) suggestedExternalPort);
        b.put(ipv6Form(suggestedExternalAddress));
        if (preferFailure) b.put((byte) PCP_OPTION_PREFER_FAILURE).put((byte) 0).putShort((short) 0);
        return b.array();
    }

    /**
     * A PCP answer. {@code version} other than 2 comes only with result 1 (UNSUPP_VERSION) or from a NAT-PMP
     * server (version 0): the caller falls back. MAP fields are set for a MAP answer that carries them.
     */
    record PcpAnswer(int version, int opcode, int result, long lifetime, long epoch, int protocol, int internalPort,
                     int externalPort, InetAddress externalAddress) {
    }

    static PcpAnswer parsePcp(byte[] data, int length, int requestOpcode, byte[] nonce, Transport t,
                              int internalPort) throws PcpException {
        if (data == null || length < 4 || length > data.length) {
            throw malformed("PCP answer of " + Math.max(0, length) + " bytes (at least 24 expected)");
        }
        ByteBuffer b = ByteBuffer.wrap(data, 0, length);
        int version = u8(b);
        int rOpcode = u8(b);
        if (version == NATPMP_VERSION) {
            // a NAT-PMP server answering a version it does not know (RFC 6887 §9): it speaks NAT-PMP only
            int result = ((data[2] & 0xff) << 8) | (data[3] & 0xff);
            if (rOpcode < 128) throw malformed("NAT-PMP-version datagram without the answer bit");
            return new PcpAnswer(version, rOpcode - 128, result, 0, length >= 8 ? u32(b.position(4)) : 0, 0, 0, 0,
                    null);
        }
        if (version != PCP_VERSION) {
            int result = data[3] & 0xff;
            if (result == 1 && rOpcode >= 128) return new PcpAnswer(version, rOpcode - 128, 1, 0, 0, 0, 0, 0, null);
            throw malformed("answer of version " + version + " (PCP is 2)");
        }
        if (length < 24) throw malformed("PCP answer of " + length + " bytes (at least 24 expected)");
        if (length % 4 != 0 || length > MAX_MESSAGE) {
            throw malformed("PCP answer of " + length + " bytes (a multiple of 4, at most " + MAX_MESSAGE + ")");
        }
        if ((rOpcode & 0x80) == 0) throw malformed("PCP request, not an answer (R bit clear)");
        int opcode = rOpcode & 0x7f;
        if (opcode != requestOpcode) {
            throw new PcpException(PcpException.Kind.MISMATCH, "PCP answer with opcode " + opcode + " (expected "
                    + requestOpcode + ")");
        }
        b.get(); // reserved
        int result = u8(b);
        long lifetime = u32(b);
        long epoch = u32(b);
        b.position(24); // 96 reserved bits
        if (opcode != PCP_OPCODE_MAP) return new PcpAnswer(version, opcode, result, lifetime, epoch, 0, 0, 0, null);
        if (length < 60) {
            // an error may come as the header alone (e.g. MALFORMED_REQUEST); a success must carry the mapping
            if (result != 0) return new PcpAnswer(version, opcode, result, lifetime, epoch, 0, 0, 0, null);
            throw malformed("PCP MAP answer of " + length + " bytes (at least 60 expected)");
        }
        byte[] gotNonce = new byte[NONCE_BYTES];
        b.get(gotNonce);
        if (!Arrays.equals(gotNonce, 0, NONCE_BYTES, nonce, 0, NONCE_BYTES)) {
            throw new PcpException(PcpException.Kind.MISMATCH, "PCP MAP answer with another nonce (an answer to"
                    + " another request, or spoofed)");
        }
        int protocol = u8(b);
        b.position(b.position() + 3);
        int inPort = u16(b);
        int extPort = u16(b);
        byte[] ext = new byte[16];
        b.get(ext);
        if (protocol != t.ianaNumber || inPort != internalPort) {
            throw new PcpException(PcpException.Kind.MISMATCH, "PCP MAP answer for protocol " + protocol + " port "
                    + inPort + " (asked: " + t.ianaNumber + " port " + internalPort + ")");
        }
        return new PcpAnswer(version, opcode, result, lifetime, epoch, protocol, inPort, extPort, address(ext));
    }

    // ---- helpers ----

    /** IPv4 as ::ffff:a.b.c.d (RFC 6887 §5), IPv6 as itself, none as all zeros. */
    static byte[] ipv6Form(InetAddress a) {
        byte[] out = new byte[16];
        if (a instanceof Inet4Address) {
            out[10] = (byte) 0xff;
            out[11] = (byte) 0xff;
            System.arraycopy(a.getAddress(), 0, out, 12, 4);
        } else if (a instanceof Inet6Address) {
            System.arraycopy(a.getAddress(), 0, out, 0, 16);
        }
        return out;
    }

    /** 4 or 16 bytes to an address; IPv4-mapped IPv6 becomes IPv4 (the JDK does this for 16 bytes). */
    static InetAddress address(byte[] raw) throws PcpException {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw malformed("an address of " + raw.length + " bytes");
        }
    }

    private static PcpException malformed(String what) {
        return new PcpException(PcpException.Kind.MALFORMED, "malformed answer: " + what);
    }

    private static int u8(ByteBuffer b) {
        return b.get() & 0xff;
    }

    private static int u16(ByteBuffer b) {
        return b.getShort() & 0xffff;
    }

    private static long u32(ByteBuffer b) {
        return b.getInt() & 0xffffffffL;
    }
}
