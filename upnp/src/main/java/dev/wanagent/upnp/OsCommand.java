package dev.wanagent.upnp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the OS's own tools (route.exe, route, netstat) to read the routing table: no shell, the command and its
 * arguments as given (an absolute path), stdin closed, stderr discarded, a time limit and a byte limit on stdout.
 * It never throws: what went wrong comes back as {@link Result#problem()}.
 */
final class OsCommand {
    /** How long a route command may take: they answer in milliseconds. */
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** The most stdout read: a route table is a few KB; more is cut (and said). */
    static final int MAX_BYTES = 256 * 1024;

    private OsCommand() {
    }

    /**
     * What a command printed (bytes read as ISO-8859-1, so any code page decodes: the parsers read the numbers,
     * which are ASCII), and what went wrong, if anything (it could not start, it timed out, its output was cut, it
     * exited with a non-zero status). The output is kept even with a problem: it may still hold the answer.
     */
    record Result(String output, Optional<String> problem) {
        static Result failed(String problem) {
            return new Result("", Optional.of(problem));
        }
    }

    static Result run(List<String> command) {
        return run(command, TIMEOUT, MAX_BYTES);
    }

    static Result run(List<String> command, Duration timeout, int maxBytes) {
        String name = command.isEmpty() ? "(nothing)" : command.get(0);
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                pb.environment().put("LC_ALL", "C"); // untranslated output where the tool is translated at all
            }
            p = pb.start();
        } catch (IOException | RuntimeException e) { // RuntimeException: e.g. SecurityException, a NUL in an argument
            return Result.failed("cannot run " + name + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        try {
            p.getOutputStream().close(); // stdin: nothing to read
        } catch (IOException e) {
            // the process may already be gone; its output says what it did
        }
        Collector collector = new Collector(p, maxBytes);
        Thread reader = new Thread(collector, "wan-agent-route-output");
        reader.setDaemon(true);
        reader.start();
        boolean exited;
        try {
            exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return Result.failed(name + " was interrupted");
        }
        if (!exited) p.destroyForcibly();
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reader.isAlive()) {
            try {
                p.getInputStream().close(); // a child holding the pipe open must not keep the reader forever
            } catch (IOException e) {
                // nothing more to do
            }
        }
        String output = collector.text();
        if (collector.overflowed()) {
            return new Result(output, Optional.of(name + " printed more than " + maxBytes + " bytes (the rest unread)"));
        }
        if (!exited) {
            return new Result(output, Optional.of(name + " did not finish within " + timeout.toMillis() + " ms"));
        }
        int status = p.exitValue();
        return new Result(output, status == 0 ? Optional.empty() : Optional.of(name + " exited with status " + status));
    }

    /** Reads stdout up to the limit; past it, stops the process. */
    private static final class Collector implements Runnable {
        private final Process process;
        private final int maxBytes;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private boolean overflowed;

        Collector(Process process, int maxBytes) {
            this.process = process;
            this.maxBytes = maxBytes;
        }

        @Override
        public void run() {
            byte[] chunk = new byte[8192];
            try (InputStream in = process.getInputStream()) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    synchronized (this) {
                        int room = maxBytes - buffer.size();
                        if (n > room) {
                            buffer.write(chunk, 0, room);
                            overflowed = true;
                            process.destroyForcibly();
                            return;
                        }
                        buffer.write(chunk, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process was stopped or the pipe closed: what was read is kept
            }
        }

        synchronized String text() {
            return buffer.toString(StandardCharsets.ISO_8859_1);
        }

        synchronized boolean overflowed() {
            return overflowed;
        }
    }
}
