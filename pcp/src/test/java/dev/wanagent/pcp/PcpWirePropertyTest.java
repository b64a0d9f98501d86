package dev.wanagent.pcp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Whatever bytes arrive on UDP 5351, parsing throws nothing but {@link PcpException}. */
class PcpWirePropertyTest {
    private static final byte[] NONCE = new byte[12];

    @Property(tries = 3000)
    void natpmpAnswersThrowOnlyPcpException(@ForAll @Size(max = 40) byte[] data, @ForAll @IntRange(max = 2) int opcode) {
        try {
            Wire.parseNatpmp(data, data.length, opcode);
        } catch (PcpException expected) {
            // fine
        }
    }

    @Property(tries = 3000)
    void pcpAnswersThrowOnlyPcpException(@ForAll("answers") byte[] data, @ForAll @IntRange(max = 1) int opcode,
                                          @ForAll @IntRange(min = -1, max = 1200) int length) {
        try {
            Wire.parsePcp(data, Math.min(length, data.length + 1), opcode, NONCE, Transport.TCP, 0);
        } catch (PcpException expected) {
            // fine
        }
    }

    @Property(tries = 1000)
    void resultCodesAlwaysDescribe(@ForAll int code) {
        new ResultCode(PortMapProtocol.PCP, code).describe();
        new ResultCode(PortMapProtocol.NATPMP, code).describe();
    }

    /** Random bytes, often starting like a real answer (version 2 or 0, R bit, MAP opcode, zero nonce). */
    @Provide
    Arbitrary<byte[]> answers() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(1200);
        Arbitrary<byte[]> shaped = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(120).map(b -> {
            byte[] out = b.clone();
            if (out.length > 0) out[0] = (byte) (out.length % 3 == 0 ? 0 : 2);
            if (out.length > 1) out[1] = (byte) (0x80 | (out.length % 2));
            for (int i = 24; i < Math.min(36, out.length); i++) out[i] = 0;
            if (out.length > 36) out[36] = 6;
            if (out.length > 41) {
                out[40] = 0;
                out[41] = 0;
            }
            return out;
        });
        return Arbitraries.oneOf(random, shaped);
    }
}
