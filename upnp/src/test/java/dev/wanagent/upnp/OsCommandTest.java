package dev.wanagent.upnp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command runner's limits, with ordinary local programs (no network). */
@EnabledOnOs({OS.LINUX, OS.MAC})
class OsCommandTest {

    @Test
    void readsTheOutput() {
        OsCommand.Result r = OsCommand.run(List.of("/bin/echo", "0.0.0.0", "é"));
        assertEquals(Optional.empty(), r.problem());
        assertEquals("0.0.0.0 \u00c3\u00a9\n", r.output(), "bytes read as ISO-8859-1: any code page decodes");
    }

    @Test
    void aMissingCommandIsAProblemNotAnException() {
        OsCommand.Result r = OsCommand.run(List.of("/nonexistent/route", "print"));
        assertEquals("", r.output());
        assertTrue(r.problem().orElseThrow().startsWith("cannot run /nonexistent/route: IOException"),
                r.problem().get());
    }

    @Test
    void aNonZeroExitIsSaid() {
        OsCommand.Result r = OsCommand.run(List.of("/bin/sh", "-c", "echo partial; exit 3"));
        assertEquals("partial\n", r.output());
        assertEquals(Optional.of("/bin/sh exited with status 3"), r.problem());
    }

    @Test
    void aHangingCommandIsStoppedAtTheTimeLimit() {
        long start = System.nanoTime();
        OsCommand.Result r = OsCommand.run(List.of("/bin/sh", "-c", "echo early; exec sleep 30"),
                Duration.ofMillis(300), 1024);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 5000, "took " + ms + " ms");
        assertEquals("early\n", r.output());
        assertEquals(Optional.of("/bin/sh did not finish within 300 ms"), r.problem());
    }

    @Test
    void endlessOutputIsCutAtTheByteLimit() {
        long start = System.nanoTime();
        OsCommand.Result r = OsCommand.run(List.of("/usr/bin/yes", "0.0.0.0 0.0.0.0 1.2.3.4 5.6.7.8 1"),
                Duration.ofSeconds(10), 64 * 1024);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 5000, "took " + ms + " ms");
        assertEquals(64 * 1024, r.output().length());
        assertEquals(Optional.of("/usr/bin/yes printed more than 65536 bytes (the rest unread)"), r.problem());
    }

    @Test
    void stdinIsClosed() {
        OsCommand.Result r = OsCommand.run(List.of("/bin/cat"), Duration.ofSeconds(5), 1024);
        assertEquals("", r.output());
        assertEquals(Optional.empty(), r.problem());
    }
}
