package dev.wanagent.upnp;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The listeners' answers, byte for byte. */
class HttpResponseTest {
    /** What {@code respond} writes to a connected socket, as the peer reads it (to the end). */
    private static String written(SocketAction respond) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            respond.run(accepted);
            accepted.close();
            client.setSoTimeout(3000);
            return new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private interface SocketAction {
        void run(Socket c) throws Exception;
    }

    @Test
    void anEmptyAnswerIsWhatTheGenaListenerAlwaysSent() throws Exception {
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                written(c -> HttpResponse.of(200).send(c)));
        assertEquals("HTTP/1.1 412 Precondition Failed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                written(c -> HttpResponse.of(412).send(c)));
    }

    @Test
    void aBodyComesWithItsTypeLengthAndTheHeadersAskedFor() throws Exception {
        assertEquals("HTTP/1.1 202 Accepted\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 15\r\n"
                        + "Cache-Control: no-store\r\nConnection: close\r\n\r\npass requested\n",
                written(c -> HttpResponse.of(202).body("text/plain; charset=utf-8",
                        "pass requested\n".getBytes(StandardCharsets.UTF_8)).noStore().send(c)));
        assertEquals("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nWWW-Authenticate: Bearer realm=\"x\"\r\n"
                        + "Connection: close\r\n\r\n",
                written(c -> HttpResponse.of(401).header("WWW-Authenticate", "Bearer realm=\"x\"").send(c)));
    }

    /** A refusal reads away what the peer still sends, so the peer reads the answer instead of a reset. */
    @Test
    void aRefusalIsReadByAPeerStillSending() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            OutputStream out = client.getOutputStream();
            out.write(("POST / HTTP/1.1\r\nX: " + "a".repeat(20_000)).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            long t0 = System.nanoTime();
            HttpResponse.of(431).refuse(accepted, 64 * 1024);
            accepted.close();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 2000, ms + " ms");
            client.setSoTimeout(3000);
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"), answer);
        }
    }
}
