package dev.wanagent.agent.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * lab/FakeDyndns2.java running in the lab's "isp" namespace (on the internet side of the router's NAT).
 * Every update it accepts is a line "millis hostname ip source" in {@link #log}.
 */
public final class FakeProvider implements AutoCloseable {
    public static final String URL = "http://11.22.33.1:8245";
    public static final String USER = "labuser";
    public static final String PASSWORD = "lab-Secret-9f2c";

    private final Process process;
    private final Path log;
    private final Path out;

    public FakeProvider(Path dir) throws IOException {
        log = dir.resolve("dyndns2.updates");
        out = dir.resolve("dyndns2.out");
        Files.writeString(log, "");
        process = new ProcessBuilder("ip", "netns", "exec", "isp", Lab.javaBin(),
                Lab.ROOT.resolve("lab/FakeDyndns2.java").toString(), "11.22.33.1:8245", USER, PASSWORD, log.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        Lab.await("the fake dyndns2 provider to listen", Duration.ofSeconds(20), () -> read(out).contains("listening"));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    /** Update lines received so far: "millis hostname ip source". */
    public List<String> updates() {
        return read(log).lines().toList();
    }

    public boolean received(String hostname, String ip) {
        return updates().stream().anyMatch(l -> l.contains(" " + hostname + " " + ip + " "));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
