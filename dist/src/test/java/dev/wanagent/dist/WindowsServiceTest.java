package dev.wanagent.dist;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WinSW service definition of the Windows zip: the elements a service needs, and the same JVM flags as the
 * launchers bin/wan-agent and bin/wan-agent.cmd (the flags have one meaning everywhere the agent starts).
 */
class WindowsServiceTest {
    static final Path WINSW = Path.of("src/windows/wan-agent.xml");
    static final Path LAUNCHER = Path.of("../bin/wan-agent");
    static final Path LAUNCHER_CMD = Path.of("../bin/wan-agent.cmd");

    @Test
    void theServiceRunsTheJarNextToItWithTheConfigNextToIt() throws Exception {
        Element service = parse(WINSW).getDocumentElement();

        assertEquals("service", service.getTagName());
        assertEquals("wan-agent", text(service, "id"));
        assertEquals("wan-agent", text(service, "name"));
        assertEquals("java", text(service, "executable"));
        assertEquals(jvmFlags(LAUNCHER_CMD, "\"%java%\"", "%JAVA_OPTS%")
                        + " -jar \"%BASE%\\wan-agent.jar\" run -c \"%BASE%\\wan-agent.yaml\"",
                text(service, "arguments"));
        assertEquals("%BASE%", text(service, "workingdirectory"));
        assertEquals("true", text(service, "stopparentprocessfirst"), "Ctrl+C first: the agent's shutdown hook runs");
    }

    @Test
    void logsRollBySizeAndFailuresRestartWithGrowingDelays() throws Exception {
        Element service = parse(WINSW).getDocumentElement();

        Element log = only(service, "log");
        assertEquals("roll-by-size", log.getAttribute("mode"));
        assertTrue(Integer.parseInt(text(log, "sizeThreshold")) > 0);
        assertTrue(Integer.parseInt(text(log, "keepFiles")) > 0);
        assertEquals("%BASE%\\logs", text(service, "logpath"));

        NodeList failures = service.getElementsByTagName("onfailure");
        assertTrue(failures.getLength() >= 2, "a restart back-off: more than one onfailure");
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < failures.getLength(); i++) {
            Element f = (Element) failures.item(i);
            assertEquals("restart", f.getAttribute("action"));
            delays.add(seconds(f.getAttribute("delay")));
        }
        for (int i = 1; i < delays.size(); i++) {
            assertTrue(delays.get(i) > delays.get(i - 1), "delays grow: " + delays);
        }
        assertTrue(seconds(text(service, "resetfailure")) >= 600, "failures are forgotten only after a good run");
    }

    @Test
    void theLaunchersPassTheSameJvmFlags() throws IOException {
        assertEquals("$flags", jvmFlags(LAUNCHER, "exec \"$java\"", "$JAVA_OPTS"));
        assertEquals(shellFlags(LAUNCHER), jvmFlags(LAUNCHER_CMD, "\"%java%\"", "%JAVA_OPTS%"));
    }

    /**
     * The flags bin/wan-agent always passes: its unindented {@code flags="..."} lines, each one adding to the one
     * before (the indented ones add the class-data archive, on Linux only).
     */
    static String shellFlags(Path launcher) throws IOException {
        Pattern assignment = Pattern.compile("flags=\"(.*)\"");
        String flags = null;
        for (String l : Files.readAllLines(launcher)) {
            Matcher m = assignment.matcher(l);
            if (!m.matches()) continue;
            String value = m.group(1);
            if (value.startsWith("$flags ")) {
                assertTrue(flags != null, launcher + ": adds to $flags before setting it");
                flags = flags + value.substring("$flags".length());
            } else {
                assertEquals(null, flags, launcher + ": sets flags twice");
                flags = value;
            }
        }
        assertTrue(flags != null && flags.startsWith("-XX:+UseSerialGC"), launcher + ": flags=" + flags);
        return flags;
    }

    /** The flags between the java command and the user's JAVA_OPTS on the launcher's java line. */
    static String jvmFlags(Path launcher, String javaCommand, String javaOpts) throws IOException {
        Pattern line = Pattern.compile(Pattern.quote(javaCommand) + " (.*?) " + Pattern.quote(javaOpts) + " ");
        List<String> found = new ArrayList<>();
        for (String l : Files.readAllLines(launcher)) {
            Matcher m = line.matcher(l);
            if (m.lookingAt()) found.add(m.group(1));
        }
        assertEquals(1, found.size(), launcher + ": one java line with " + javaOpts + ", found " + found);
        return found.get(0);
    }

    /** WinSW durations as used here: "10 sec", "2 min", "1 hour". */
    static long seconds(String duration) {
        Matcher m = Pattern.compile("(\\d+) ?(sec|secs|min|mins|hour|hours)").matcher(duration.trim());
        assertTrue(m.matches(), "a WinSW duration: " + duration);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "sec", "secs" -> n;
            case "min", "mins" -> n * 60;
            default -> n * 3600;
        };
    }

    static Document parse(Path xml) throws ParserConfigurationException, IOException, SAXException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return f.newDocumentBuilder().parse(xml.toFile());
    }

    static Element only(Element parent, String tag) {
        NodeList l = parent.getElementsByTagName(tag);
        assertEquals(1, l.getLength(), "one <" + tag + ">");
        return (Element) l.item(0);
    }

    static String text(Element parent, String tag) {
        return only(parent, tag).getTextContent().trim();
    }
}
