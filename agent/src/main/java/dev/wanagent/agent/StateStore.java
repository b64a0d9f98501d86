package dev.wanagent.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the agent has pushed, per DNS record, kept in {@code stateDir/state.json}. Writes are atomic (temporary
 * file, fsync, rename), so a crash or power cut leaves either the old or the new state, never half of one.
 */
final class StateStore {
    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
    static final String FILE_NAME = "state.json";

    /** The persisted document. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record State(int version, String wanAddress, String wanSource, String wanSeenAt, List<RecordState> records) {
        State {
            records = records == null ? List.of() : List.copyOf(records);
        }

        static State empty() {
            return new State(1, null, null, null, List.of());
        }

        Optional<RecordState> record(String provider, String hostname, String type) {
            return records.stream().filter(r -> r.provider().equals(provider) && r.hostname().equals(hostname)
                    && r.type().equals(type)).findFirst();
        }

        State with(RecordState updated) {
            List<RecordState> next = new ArrayList<>();
            boolean replaced = false;
            for (RecordState r : records) {
                if (r.provider().equals(updated.provider()) && r.hostname().equals(updated.hostname())
                        && r.type().equals(updated.type())) {
                    next.add(updated);
                    replaced = true;
                } else {
                    next.add(r);
                }
            }
            if (!replaced) next.add(updated);
            return new State(version, wanAddress, wanSource, wanSeenAt, next);
        }

        State withWan(String address, String source, String seenAt) {
            return new State(version, address, source, seenAt, records);
        }
    }

    /**
     * One DNS record.
     *
     * @param type        A or AAAA
     * @param address     the address the provider last confirmed for this record
     * @param updatedAt   when it confirmed it (ISO-8601)
     * @param status      SUCCESS, RETRY or FATAL: the outcome of the last attempt
     * @param failures    consecutive failed attempts (for back-off)
     * @param retryAt     when a RETRY may be attempted again (ISO-8601)
     * @param fingerprint of the provider's config at the last attempt: a FATAL record stays stopped until it changes
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RecordState(String provider, String hostname, String type, String address, String updatedAt, String status,
                       String result, String attemptedAddress, int failures, String retryAt, String fingerprint) {
        RecordState {
            if (type == null) type = "A"; // state written before AAAA support
        }
    }

    private final Path dir;
    private final ObjectMapper json = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    StateStore(Path dir) {
        this.dir = dir;
    }

    Path file() {
        return dir.resolve(FILE_NAME);
    }

    /** The saved state; an absent file is an empty state, an unreadable one is set aside and logged. */
    State load() {
        Path f = file();
        if (!Files.exists(f)) return State.empty();
        try {
            State s = json.readValue(f.toFile(), State.class);
            return s == null ? State.empty() : s;
        } catch (IOException e) {
            Path aside = dir.resolve(FILE_NAME + ".corrupt");
            LOG.warn("state file {} is unreadable ({}); moving it to {} and starting afresh", f,
                    e.getClass().getSimpleName(), aside.getFileName());
            try {
                Files.move(f, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveError) {
                LOG.warn("cannot move {} aside: {}", f, moveError.getMessage());
            }
            return State.empty();
        }
    }

    void save(State state) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, FILE_NAME, ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                out.write(json.writeValueAsBytes(state));
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true); // the rename itself reaches the disk
            } catch (IOException | UnsupportedOperationException e) {
                // directories cannot be opened for fsync on every platform (Windows)
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
