package dev.wanagent.upnp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one answer of the agent's own small listeners to a request read with {@link HttpRequest}: status line,
 * {@code Content-Type} (with a body), {@code Content-Length}, {@code Cache-Control: no-store} when asked, any extra
 * headers, and {@code Connection: close}, in one write; the listener then closes the connection (one request per
 * connection keeps each listener a plain blocking loop). Built by the thread that answers, sent once.
 */
public final class HttpResponse {
    /** How long {@link #refuse} reads away what the peer still sends before closing. */
    static final int DRAIN_MILLIS = 300;
    private final int status;
    private final List<String> headerLines = new ArrayList<>();
    private String contentType;
    private byte[] body = new byte[0];
    private boolean noStore;

    private HttpResponse(int status) {
        this.status = status;
    }

    /** An empty answer with this status. */
    public static HttpResponse of(int status) {
        return new HttpResponse(status);
    }

    /** Answers {@code body} (not copied), of this media type. */
    public HttpResponse body(String contentType, byte[] body) {
        this.contentType = contentType;
        this.body = body;
        return this;
    }

    /** Adds {@code Cache-Control: no-store}: the answer is the state of the moment. */
    public HttpResponse noStore() {
        noStore = true;
        return this;
    }

    /** Adds a header (e.g. WWW-Authenticate, Allow); name and value must be the caller's own printable text. */
    public HttpResponse header(String name, String value) {
        headerLines.add(name + ": " + value);
        return this;
    }

    /** Writes the answer, the whole request having been read; the caller closes the socket. */
    public void send(Socket c) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                .append("\r\n");
        if (contentType != null) head.append("Content-Type: ").append(contentType).append("\r\n");
        head.append("Content-Length: ").append(body.length).append("\r\n");
        if (noStore) head.append("Cache-Control: no-store\r\n");
        for (String line : headerLines) head.append(line).append("\r\n");
        head.append("Connection: close\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        OutputStream out = c.getOutputStream();
        out.write(all);
        out.flush();
    }

    /**
     * Answers a request not read (or not read to its end) and closes the sending side; what the peer still sends
     * is read away for at most {@value #DRAIN_MILLIS} ms and 2 × {@code maxBody} bytes, so that closing does not
     * reset the connection before the peer has read the answer.
     *
     * @param maxBody the largest body the listener reads ({@link HttpRequest#read})
     */
    public void refuse(Socket c, int maxBody) throws IOException {
        send(c);
        c.shutdownOutput();
        try {
            InputStream in = new HttpRequest.Deadline(c, DRAIN_MILLIS);
            byte[] sink = new byte[4096];
            int drained = 0;
            for (int n; drained < 2 * maxBody && (n = in.read(sink)) > 0; ) drained += n;
        } catch (IOException ignored) {
            // the peer is gone or slow: the answer was sent
        }
    }

    /** The reason phrase of the statuses the listeners answer. */
    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 202 -> "Accepted";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 412 -> "Precondition Failed";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }
}
