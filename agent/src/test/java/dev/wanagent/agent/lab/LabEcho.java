package dev.wanagent.agent.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * lab/EchoServer.java in the lab's "isp" namespace: a web echo on the internet side of the router, which sees the
 * router's WAN address through its NAT ({@code /} and {@code /ip}), or answers a fixed address ({@code /fixed/IP}:
 * an echo behind a second NAT beyond the router).
 */
public final class LabEcho implements AutoCloseable {
    public static final String URL = "http://11.22.33.1:8247";

    private final Process process;

    public LabEcho(Path dir) throws IOException {
        Path out = dir.resolve("echo.out");
        process = new ProcessBuilder("ip", "netns", "exec", "isp", Lab.javaBin(),
                Lab.ROOT.resolve("lab/EchoServer.java").toString(), "11.22.33.1:8247")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        Lab.await("the lab's web echo to listen", Duration.ofSeconds(20), () -> {
            try {
                return Files.readString(out).contains("listening");
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** A {@code router.web} block (two spaces deep, under {@code router:}) with these echo URLs. */
    public static String config(String... urls) {
        StringBuilder b = new StringBuilder("  web:\n    enabled: true\n    urls:\n");
        for (String u : urls) b.append("      - \"").append(u).append("\"\n");
        return b.toString();
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
