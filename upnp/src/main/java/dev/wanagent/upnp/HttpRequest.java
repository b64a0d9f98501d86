package dev.wanagent.upnp;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.x request read strictly, for the agent's own small listeners (the GENA callback, the status page): each
 * is a thread blocked in {@code accept()} rather than the JDK's HttpServer, whose timer threads wake the process
 * every second. The request line and headers are at most {@value #MAX_HEAD_BYTES} bytes; a body only with a
 * {@code Content-Length} of at most the caller's limit (no chunked encoding: UDA requires NOTIFY to give its length,
 * and the status page takes no body); no header folding. Only what the caller needs is kept: method, path (without
 * query), the headers it names, and the body. Anything else is a {@link Refused} with the HTTP status to answer
 * ({@link HttpResponse#refuse}).
 *
 * @param headers the kept headers by lower-case name (use {@link #header(String)})
 */
public record HttpRequest(String method, String path, Map<String, String> headers, byte[] body) {
    static final int MAX_HEAD_BYTES = 8 * 1024;
    private static final int MAX_METHOD_CHARS = 20;

    /** A request that is not answered further than this status. */
    public static final class Refused extends Exception {
        private final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        /** The HTTP status to answer with. */
        public int status() {
            return status;
        }
    }

    /** The value of a kept header (any case of {@code name}), or null when the request did not give it. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Reads one request from {@code in}; {@code in} should stop waiting on its own (a socket timeout and a deadline,
     * {@link Deadline}). An end of stream or a timeout before the whole request is there is an {@link IOException}.
     *
     * @param keptHeaders the headers to keep (compared without case); a request that gives one of them twice is
     *                    refused (400). Content-Length and Transfer-Encoding are the reader's, never kept.
     */
    public static HttpRequest read(InputStream in, int maxBody, String... keptHeaders) throws IOException, Refused {
        String head = readHead(in);
        String[] lines = head.split("\n", -1);
        String[] requestLine = stripCr(lines[0]).split(" ", -1);
        if (requestLine.length != 3) throw new Refused(400, "not an HTTP request line");
        String method = requestLine[0];
        if (method.isEmpty() || method.length() > MAX_METHOD_CHARS || !isToken(method)) {
            throw new Refused(400, "not an HTTP method");
        }
        if (!requestLine[2].equals("HTTP/1.1") && !requestLine[2].equals("HTTP/1.0")) {
            throw new Refused(400, "not HTTP/1.0 or 1.1");
        }
        String path = path(requestLine[1]);
        Map<String, String> kept = new HashMap<>();
        long length = -1;
        for (int i = 1; i < lines.length; i++) {
            String line = stripCr(lines[i]);
            if (line.isEmpty()) continue; // the blank line(s) that ended the head
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') throw new Refused(400, "folded header");
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) throw new Refused(400, "not a header line");
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                long l = contentLength(value);
                if (length >= 0 && length != l) throw new Refused(400, "two Content-Length headers");
                length = l;
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                throw new Refused(501, "Transfer-Encoding is not supported (give Content-Length)");
            } else {
                for (String wanted : keptHeaders) {
                    if (!name.equalsIgnoreCase(wanted)) continue;
                    if (kept.putIfAbsent(wanted.toLowerCase(Locale.ROOT), value) != null) {
                        throw new Refused(400, "two " + wanted + " headers");
                    }
                }
            }
        }
        if (length > maxBody) throw new Refused(413, "body over " + maxBody + " bytes");
        byte[] body = length <= 0 ? new byte[0] : in.readNBytes((int) length);
        if (body.length < length) throw new EOFException("the body ended early");
        return new HttpRequest(method, path, Map.copyOf(kept), body);
    }

    /** The bytes up to the first empty line, as ISO-8859-1, without it. */
    private static String readHead(InputStream in) throws IOException, Refused {
        byte[] buf = new byte[MAX_HEAD_BYTES];
        int n = 0;
        int newlines = 0; // consecutive line ends seen (CR before LF is skipped)
        while (true) {
            int b = in.read();
            if (b < 0) throw new EOFException("the request ended in its head");
            if (n == buf.length) throw new Refused(431, "request head over " + MAX_HEAD_BYTES + " bytes");
            buf[n++] = (byte) b;
            if (b == '\n') {
                if (++newlines == 2) break;
            } else if (b != '\r') {
                newlines = 0;
            }
            if (n == 1 && (b == '\r' || b == '\n')) n = 0; // leading empty lines are allowed (RFC 9112, 2.2)
            if (n == 0) newlines = 0;
        }
        return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** The path of an origin-form ({@code /p?q}) or absolute-form ({@code http://host/p?q}) target. */
    private static String path(String target) throws Refused {
        String t = target;
        if (t.regionMatches(true, 0, "http://", 0, 7)) {
            int slash = t.indexOf('/', 7);
            t = slash < 0 ? "/" : t.substring(slash);
        }
        if (t.isEmpty() || t.charAt(0) != '/') throw new Refused(400, "not a request path");
        int q = t.indexOf('?');
        return q < 0 ? t : t.substring(0, q);
    }

    private static long contentLength(String value) throws Refused {
        if (value.isEmpty() || value.length() > 9) throw new Refused(400, "not a Content-Length");
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') throw new Refused(400, "not a Content-Length");
        }
        return Long.parseLong(value);
    }

    /** An HTTP token (RFC 9110, 5.6.2): visible ASCII without delimiters. */
    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) return false;
        }
        return true;
    }

    /**
     * Reads from a socket's stream until a deadline: each read waits at most what is left of it, so a peer that
     * sends one byte at a time cannot hold the reader longer than the deadline.
     */
    public static final class Deadline extends InputStream {
        private final InputStream in;
        private final Socket socket;
        private final long endNanos;

        public Deadline(Socket socket, long millis) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 2048);
            this.endNanos = System.nanoTime() + millis * 1_000_000;
        }

        private void arm() throws IOException {
            if (in.available() > 0) return;
            long left = (endNanos - System.nanoTime()) / 1_000_000;
            if (left <= 0) throw new SocketTimeoutException("the request took too long");
            socket.setSoTimeout((int) Math.max(1, left));
        }

        @Override
        public int read() throws IOException {
            arm();
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            arm();
            return in.read(b, off, len);
        }
    }
}
