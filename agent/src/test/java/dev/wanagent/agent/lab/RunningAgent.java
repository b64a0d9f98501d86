package dev.wanagent.agent.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** {@code java -jar wan-agent.jar run -c CONFIG} in the background, its log in a file; closing sends SIGTERM. */
public final class RunningAgent implements AutoCloseable {
    private final Process process;
    private final Path log;
    private long stopMillis = -1;

    public RunningAgent(Path config, Path log, Map<String, String> env, String... extra) throws IOException {
        this(List.of(), config, log, env, extra);
    }

    /** The agent on another lab host: {@code ip netns exec NAMESPACE java …} (ip execs java: same process). */
    public static RunningAgent in(String namespace, Path config, Path log, Map<String, String> env) throws IOException {
        return new RunningAgent(List.of("ip", "netns", "exec", namespace), config, log, env);
    }

    private RunningAgent(List<String> prefix, Path config, Path log, Map<String, String> env, String... extra)
            throws IOException {
        this.log = log;
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Lab.javaBin(), "-jar", Lab.JAR.toString(), "run", "-c", config.toString()));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        process = pb.start();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Waits until the agent has the provider's answer for {@code address} (not only until the provider got the
     * request: changing the WAN address while the answer is on its way back through the router's NAT loses it).
     */
    public void awaitPushed(String address) {
        Lab.await("the agent to finish pushing " + address, Duration.ofSeconds(15),
                () -> logContains("A: now " + address + " "));
    }

    /** A thread dump of the agent (jstack), for a failure message. */
    public String threads() {
        try {
            return Lab.run(List.of(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                    Long.toString(process.pid())), java.time.Duration.ofSeconds(20)).stdout();
        } catch (IOException e) {
            return "(no thread dump: " + e.getMessage() + ")";
        }
    }

    public boolean logContains(String text) {
        return log().contains(text);
    }

    /** SIGKILL (a dead host): nothing is cleaned up. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        stopMillis = 0;
    }

    /** SIGTERM, then wait up to 5 s; returns how long the agent took to exit, or -1 if it did not. */
    public long stop() throws InterruptedException {
        if (stopMillis >= 0 || !process.isAlive()) return Math.max(stopMillis, 0);
        long t0 = System.nanoTime();
        process.destroy();
        stopMillis = process.waitFor(5, TimeUnit.SECONDS) ? (System.nanoTime() - t0) / 1_000_000 : -1;
        if (stopMillis < 0) process.destroyForcibly();
        return stopMillis;
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
