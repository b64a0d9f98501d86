package dev.wanagent.agent;

import dev.wanagent.config.IpLiteral;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An echo's reply is outside input: whatever arrives, one address or one clear refusal. */
class WebEchoReplyPropertyTest {
    /** Accepted exactly when the bytes are an IP literal and at most one line break. */
    private static void addressOrRefusal(byte[] reply) {
        String text = new String(reply, StandardCharsets.ISO_8859_1);
        String literal = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        boolean ascii = literal.chars().allMatch(c -> c > 0x20 && c < 0x7f);
        try {
            InetAddress a = WebEcho.parse(reply);
            assertTrue(ascii && reply.length <= WebEcho.MAX_REPLY_BYTES, text);
            assertEquals(IpLiteral.parse(literal).orElseThrow(), a);
        } catch (IOException e) {
            assertFalse(ascii && reply.length <= WebEcho.MAX_REPLY_BYTES && IpLiteral.parse(literal).isPresent(),
                    "refused a literal: " + text);
            assertTrue(e.getMessage().startsWith("answered "), e.getMessage());
            assertTrue(e.getMessage().length() < 100, e.getMessage());
            assertFalse(e.getMessage().chars().anyMatch(c -> c < 0x20 || c > 0x7e), e.getMessage());
        } catch (RuntimeException e) {
            throw new AssertionError("crashed on " + java.util.Arrays.toString(reply), e);
        }
    }

    @Property(tries = 500)
    void arbitraryBytes(@ForAll @Size(max = 200) byte[] reply) {
        addressOrRefusal(reply);
    }

    @Property(tries = 500)
    void addressesWithNoise(@ForAll("replies") String reply) {
        addressOrRefusal(reply.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 200)
    void everyIpv4AddressIsRead(@ForAll byte a, @ForAll byte b, @ForAll byte c, @ForAll byte d,
                                @ForAll("endings") String ending) throws Exception {
        String quad = (a & 0xff) + "." + (b & 0xff) + "." + (c & 0xff) + "." + (d & 0xff);
        assertEquals(InetAddress.getByAddress(new byte[]{a, b, c, d}),
                WebEcho.parse((quad + ending).getBytes(StandardCharsets.US_ASCII)));
    }

    @Provide
    Arbitrary<String> endings() {
        return Arbitraries.of("", "\n", "\r\n");
    }

    @Provide
    Arbitrary<String> replies() {
        Arbitrary<String> address = Arbitraries.of("81.2.69.160", "2001:db8::1", "::ffff:1.2.3.4", "0.0.0.0",
                "255.255.255.255", "fe80::1%eth0", "1.2.3", "[::1]");
        Arbitrary<String> noise = Arbitraries.of("", " ", "\n", "\r\n", "\r", "\t", "\u0000", "\u00a0", "\u2028",
                "<html>", "x", "1", ".", ":", "\n\n", "é", "\uFEFF");
        return Combinators.combine(noise, address, noise, noise).as((p, m, s1, s2) -> p + m + s1 + s2);
    }
}
