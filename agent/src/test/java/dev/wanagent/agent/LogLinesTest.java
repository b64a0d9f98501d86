package dev.wanagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

class LogLinesTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private PrintStream savedErr;

    @BeforeEach
    void captureStderr() {
        savedErr = System.err;
        System.setErr(new Printer(bytes)); // as Main does
    }

    @AfterEach
    void restore() {
        System.setErr(savedErr);
        LogLines.threshold(Level.INFO);
    }

    private String[] lines() {
        return bytes.toString(StandardCharsets.UTF_8).split("\n");
    }

    @Test
    void slf4jFindsTheAgentsBackend() {
        assertEquals(LogLines.class.getName() + "$Line", LoggerFactory.getLogger("x").getClass().getName());
    }

    @Test
    void aLineHasTheUtcTimeTheLevelTheShortNameAndTheMessage() {
        LoggerFactory.getLogger("dev.wanagent.agent.WanMonitor").info("pass: {} {}", "router event:", 42);
        String[] lines = lines();
        assertEquals(1, lines.length);
        assertTrue(lines[0].matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\[INFO\\] WanMonitor - pass: router event: 42"),
                lines[0]);
    }

    @Test
    void timestampsAreAlwaysTheSameWidth() {
        assertEquals("1970-01-01T00:00:00.000Z", LogLines.timestamp(0));
        assertEquals("1970-01-01T00:00:01.234Z", LogLines.timestamp(1234));
        assertEquals("2023-11-14T22:13:20.120Z", LogLines.timestamp(1_700_000_000_120L));
        assertEquals("2023-11-14T22:13:20.000Z", LogLines.timestamp(1_700_000_000_000L));
    }

    @Test
    void theThresholdHoldsBackLessSevereLines() {
        Logger log = LoggerFactory.getLogger("T");
        log.debug("not at INFO");
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
        LogLines.threshold(Level.WARN);
        log.info("not at WARN");
        log.warn("printed");
        assertEquals(1, lines().length);
        assertTrue(lines()[0].endsWith(" [WARN] T - printed"), lines()[0]);
        assertFalse(log.isInfoEnabled());
        LogLines.threshold(Level.DEBUG);
        log.debug("now {}", "yes");
        assertTrue(lines()[1].endsWith(" [DEBUG] T - now yes"), lines()[1]);
    }

    @Test
    void aThrowableFollowsItsLineAsAStackTrace() {
        LoggerFactory.getLogger("T").error("failed: {}", "x", new IOException("disk gone"));
        String[] lines = lines();
        assertTrue(lines[0].endsWith(" [ERROR] T - failed: x"), lines[0]);
        assertEquals("java.io.IOException: disk gone", lines[1]);
        assertTrue(lines[2].startsWith("\\tat dev.wanagent.agent.LogLinesTest."), lines[2]); // the printer shows the tab escaped
    }

    @Test
    void textFromOutsideCannotForgeALogLine() {
        LoggerFactory.getLogger("T").warn("the router said '{}'", "x\n2026-01-01T00:00:00.000Z [INFO] forged\u001b[2J");
        String[] lines = lines();
        assertEquals(1, lines.length);
        assertTrue(lines[0].endsWith("[WARN] T - the router said 'x\\n2026-01-01T00:00:00.000Z [INFO] forged\\x1b[2J'"),
                lines[0]);
    }
}
