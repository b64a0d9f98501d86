package dev.wanagent.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wanagent.config.IpLiteral;
import dev.wanagent.config.JsonTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the agent has pushed, per DNS record, kept in {@code stateDir/state.json}. Writes are atomic (temporary
 * file, fsync, rename), so a crash or power cut leaves either the old or the new state, never half of one.
 *
 * <p>The file is outside input: it is validated field by field on load. The daemon sets a file that does not
 * validate aside ({@code state.json.bad-<time>}) and starts afresh ({@link #open()}); read-only commands only
 * report it ({@link #read()}).
 */
final class StateStore {
    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
    static final String FILE_NAME = "state.json";
    static final int VERSION = 1;
    /** Far larger than any real state (a few hundred bytes per record). */
    static final long MAX_FILE_BYTES = 4L * 1024 * 1024;
    private static final int MAX_RECORDS = 10_000;
    private static final int MAX_MAPPINGS = 1_000;
    private static final int MAX_COUNT = 1_000_000_000;
    private static final int MAX_HOLDER = 255;

    /** A record's kind in DNS. */
    enum RecordType { A, AAAA }

    /** The outcome of a record's last attempt. */
    enum Status {
        /** The provider confirmed {@code address}. */
        SUCCESS,
        /** A transient failure: try again at {@code retryAt}. */
        RETRY,
        /** The provider refused: stopped until its config (fingerprint) changes. */
        FATAL
    }

    /**
     * The persisted document. {@code wanAddress}/{@code wanSource}/{@code wanSeenAt} are null until one is read;
     * {@code ha} is empty without high availability (and in files written before it).
     */
    record State(String wanAddress, String wanSource, Instant wanSeenAt, List<RecordState> records,
                 Optional<HaState> ha) {
        State {
            records = List.copyOf(records);
            Objects.requireNonNull(ha, "ha");
        }

        static State empty() {
            return new State(null, null, null, List.of(), Optional.empty());
        }

        Optional<RecordState> record(String provider, String hostname, RecordType type) {
            return records.stream().filter(r -> r.provider().equals(provider) && r.hostname().equals(hostname)
                    && r.type() == type).findFirst();
        }

        State with(RecordState updated) {
            List<RecordState> next = new ArrayList<>();
            boolean replaced = false;
            for (RecordState r : records) {
                if (r.sameRecord(updated)) {
                    next.add(updated);
                    replaced = true;
                } else {
                    next.add(r);
                }
            }
            if (!replaced) next.add(updated);
            return new State(wanAddress, wanSource, wanSeenAt, next, ha);
        }

        State withWan(String address, String source, Instant seenAt) {
            return new State(address, source, seenAt, records, ha);
        }

        State withHa(Optional<HaState> next) {
            return new State(wanAddress, wanSource, wanSeenAt, records, next);
        }
    }

    /**
     * High availability as the running agent last recorded it (it is written when it changes, so that
     * {@code status} can tell the role without the status page).
     *
     * @param role         active, standby, or single (the router grants only permanent leases)
     * @param holders      each mapping's holder on the router at the last look ("" when free), in config order
     * @param takeovers    how often this host took the mappings over, all runs with this state file together
     * @param lastTakeover when it last did (null: never)
     * @param recordedAt   when this picture was recorded
     */
    record HaState(HaRole role, Map<String, String> holders, int takeovers, Instant lastTakeover,
                   Instant recordedAt) {
        HaState {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(recordedAt, "recordedAt");
            holders = Collections.unmodifiableMap(new LinkedHashMap<>(holders));
            if (takeovers < 0) throw new IllegalArgumentException("takeovers < 0");
        }

        /**
         * The running agent's picture ({@code now}: takeovers and the last one since it started) on top of what the
         * state file held when it started.
         */
        static HaState of(MappingReconciler.HaStatus now, Optional<HaState> atStart, Instant recordedAt) {
            int before = atStart.map(HaState::takeovers).orElse(0);
            Map<String, String> holders = new LinkedHashMap<>();
            // the router's words for the holder (its internal client): kept within what a load accepts
            now.holders().forEach((name, h) -> holders.put(name, h.length() > MAX_HOLDER ? h.substring(0, MAX_HOLDER) : h));
            return new HaState(now.role(), holders, (int) Math.min(MAX_COUNT, (long) before + now.takeovers()),
                    now.activeSince().orElse(atStart.map(HaState::lastTakeover).orElse(null)), recordedAt);
        }

        /** The same picture, whenever it was recorded. */
        boolean sameAs(HaState o) {
            return role == o.role && holders.equals(o.holders) && takeovers == o.takeovers
                    && Objects.equals(lastTakeover, o.lastTakeover);
        }
    }

    /**
     * One DNS record.
     *
     * @param address          the address the provider last confirmed (null: never)
     * @param updatedAt        when it confirmed it (null: never)
     * @param result           the provider's last answer, in words
     * @param attemptedAddress the address of the last attempt (null: none yet)
     * @param failures         consecutive failed attempts (for back-off)
     * @param retryAt          when a RETRY may be attempted again (set exactly when status is RETRY)
     * @param fingerprint      of the provider's config at the last attempt: a FATAL record stays stopped until it
     *                         changes (null: unknown)
     */
    record RecordState(String provider, String hostname, RecordType type, String address, Instant updatedAt,
                       Status status, String result, String attemptedAddress, int failures, Instant retryAt,
                       String fingerprint) {
        RecordState {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(hostname, "hostname");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(status, "status");
            result = result == null ? "" : result;
            if ((status == Status.RETRY) != (retryAt != null)) {
                throw new IllegalArgumentException("retryAt is set exactly for RETRY records");
            }
            if (failures < 0) throw new IllegalArgumentException("failures < 0");
        }

        boolean sameRecord(RecordState o) {
            return provider.equals(o.provider) && hostname.equals(o.hostname) && type == o.type;
        }
    }

    /** A state as read, and why the file could not be used (then the state is empty). */
    record Loaded(State state, Optional<String> problem) {
    }

    private final Path dir;

    StateStore(Path dir) {
        this.dir = dir;
    }

    Path file() {
        return dir.resolve(FILE_NAME);
    }

    /** Read-only: the saved state, or an empty one and what is wrong with the file. Changes nothing on disk. */
    Loaded read() {
        Path f = file();
        if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) return new Loaded(State.empty(), Optional.empty());
        try {
            return new Loaded(parse(readCapped(f)), Optional.empty());
        } catch (NoSuchFileException e) {
            return new Loaded(State.empty(), Optional.empty());
        } catch (IOException e) {
            return new Loaded(State.empty(), Optional.of("cannot read " + f + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")"));
        } catch (InvalidStateException e) {
            return new Loaded(State.empty(), Optional.of(f + " is not a valid state file: " + e.getMessage()));
        }
    }

    /**
     * For the daemon: the saved state. A file that does not validate is moved aside to
     * {@code state.json.bad-<time>} with one log line, and the agent starts afresh; temporary files left by a
     * killed agent are removed.
     */
    State open() {
        removeStaleTemporaryFiles();
        Loaded l = read();
        if (l.problem().isEmpty()) return l.state();
        String stamp = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "");
        Path aside = dir.resolve(FILE_NAME + ".bad-" + stamp);
        try {
            Files.move(file(), aside, StandardCopyOption.REPLACE_EXISTING);
            LOG.warn("{}; moved it to {} and starting with an empty state (DNS records are checked again)",
                    l.problem().get(), aside.getFileName());
        } catch (IOException e) {
            LOG.warn("{}; starting with an empty state (cannot move it aside: {})", l.problem().get(), e.getMessage());
        }
        return State.empty();
    }

    private void removeStaleTemporaryFiles() {
        if (!Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> tmp = Files.newDirectoryStream(dir, FILE_NAME + "*.tmp")) {
            for (Path p : tmp) {
                Files.deleteIfExists(p);
                LOG.debug("removed {} (left by an agent that was killed while saving)", p.getFileName());
            }
        } catch (IOException e) {
            LOG.debug("cannot clean temporary state files in {}: {}", dir, e.getMessage());
        }
    }

    private static byte[] readCapped(Path f) throws IOException {
        if (!Files.isRegularFile(f)) throw new IOException("not a regular file");
        try (InputStream in = Files.newInputStream(f)) {
            byte[] b = in.readNBytes((int) MAX_FILE_BYTES + 1);
            if (b.length > MAX_FILE_BYTES) throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
            return b;
        }
    }

    /** Thrown by {@link #parse} for a file that is JSON but not a state, or not JSON. */
    static final class InvalidStateException extends Exception {
        InvalidStateException(String message) {
            super(message);
        }
    }

    /** Validates a state document field by field. Messages name the field and never echo secrets (there are none). */
    static State parse(byte[] bytes) throws InvalidStateException {
        JsonNode root;
        try {
            root = JsonTree.readFirst(bytes);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new InvalidStateException("not JSON" + where);
        } catch (IOException e) {
            throw new InvalidStateException("not JSON");
        }
        if (root == null || !root.isObject()) throw new InvalidStateException("not a JSON object");
        JsonNode version = root.get("version");
        if (version != null && !(version.isInt() && version.intValue() == VERSION)) {
            throw new InvalidStateException("version: expected " + VERSION);
        }
        String wan = optionalAddress(root, "wanAddress", "");
        String wanSource = optionalText(root, "wanSource", "");
        Instant wanSeenAt = optionalInstant(root, "wanSeenAt", "");
        JsonNode list = root.get("records");
        List<RecordState> records = new ArrayList<>();
        if (list != null && !list.isNull()) {
            if (!list.isArray()) throw new InvalidStateException("records: not a list");
            if (list.size() > MAX_RECORDS) throw new InvalidStateException("records: more than " + MAX_RECORDS);
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                RecordState r = record(list.get(i), "records[" + i + "].");
                if (!seen.add(r.provider() + "\n" + r.hostname() + "\n" + r.type())) {
                    throw new InvalidStateException("records[" + i + "]: a second entry for the same record");
                }
                records.add(r);
            }
        }
        return new State(wan, wanSource, wanSeenAt, records, ha(root.get("ha")));
    }

    /** The {@code ha} object; absent or null: no HA (files from agents without it, or before it). */
    private static Optional<HaState> ha(JsonNode n) throws InvalidStateException {
        if (n == null || n.isNull()) return Optional.empty();
        if (!n.isObject()) throw new InvalidStateException("ha: not an object");
        HaRole role;
        try {
            role = HaRole.valueOf(requiredText(n, "role", "ha.").toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidStateException("ha.role: not active, standby or single");
        }
        JsonNode list = n.get("holders");
        Map<String, String> holders = new LinkedHashMap<>();
        if (list != null && !list.isNull()) {
            if (!list.isObject()) throw new InvalidStateException("ha.holders: not an object (mapping: holder)");
            if (list.size() > MAX_MAPPINGS) throw new InvalidStateException("ha.holders: more than " + MAX_MAPPINGS);
            int i = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); i++) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().isBlank() || e.getKey().length() > 4096) {
                    throw new InvalidStateException("ha.holders: mapping name " + (i + 1) + " is blank or too long");
                }
                JsonNode h = e.getValue();
                if (!h.isNull() && !(h.isTextual() && h.textValue().length() <= MAX_HOLDER)) {
                    throw new InvalidStateException("ha.holders: the holder of mapping " + (i + 1)
                            + " is not text (its address; null: free) of at most " + MAX_HOLDER + " characters");
                }
                holders.put(e.getKey(), h.isNull() ? "" : h.textValue());
            }
        }
        JsonNode t = n.get("takeovers");
        if (t == null || t.isNull() || !t.isIntegralNumber() || !t.canConvertToInt() || t.intValue() < 0
                || t.intValue() > MAX_COUNT) {
            throw new InvalidStateException("ha.takeovers: not a count (0-" + MAX_COUNT + ")");
        }
        Instant recordedAt = optionalInstant(n, "recordedAt", "ha.");
        if (recordedAt == null) throw new InvalidStateException("ha.recordedAt: missing");
        return Optional.of(new HaState(role, holders, t.intValue(), optionalInstant(n, "lastTakeover", "ha."),
                recordedAt));
    }

    private static RecordState record(JsonNode n, String at) throws InvalidStateException {
        if (n == null || !n.isObject()) throw new InvalidStateException(at.substring(0, at.length() - 1) + ": not an object");
        String provider = requiredText(n, "provider", at);
        String hostname = requiredText(n, "hostname", at);
        String typeText = optionalText(n, "type", at);
        RecordType type;
        try {
            type = typeText == null ? RecordType.A : RecordType.valueOf(typeText); // files before AAAA: A
        } catch (IllegalArgumentException e) {
            throw new InvalidStateException(at + "type: not A or AAAA");
        }
        Status status;
        try {
            status = Status.valueOf(requiredText(n, "status", at));
        } catch (IllegalArgumentException e) {
            throw new InvalidStateException(at + "status: not SUCCESS, RETRY or FATAL");
        }
        String address = optionalAddress(n, "address", at);
        Instant updatedAt = optionalInstant(n, "updatedAt", at);
        if (status == Status.SUCCESS && (address == null || updatedAt == null)) {
            throw new InvalidStateException(at + "address/updatedAt: required for a SUCCESS record");
        }
        String result = optionalText(n, "result", at);
        String attempted = optionalAddress(n, "attemptedAddress", at);
        JsonNode f = n.get("failures");
        int failures = 0;
        if (f != null && !f.isNull()) {
            if (!f.canConvertToInt() || !f.isIntegralNumber() || f.intValue() < 0 || f.intValue() > 1_000_000) {
                throw new InvalidStateException(at + "failures: not a count (0-1000000)");
            }
            failures = f.intValue();
        }
        Instant retryAt = optionalInstant(n, "retryAt", at);
        if (status == Status.RETRY && retryAt == null) {
            throw new InvalidStateException(at + "retryAt: required for a RETRY record");
        }
        if (status != Status.RETRY) retryAt = null;
        String fingerprint = optionalText(n, "fingerprint", at);
        return new RecordState(provider, hostname, type, address, updatedAt, status, result, attempted, failures,
                retryAt, fingerprint);
    }

    private static String requiredText(JsonNode n, String key, String at) throws InvalidStateException {
        String s = optionalText(n, key, at);
        if (s == null || s.isBlank()) throw new InvalidStateException(at + key + ": missing");
        return s;
    }

    private static String optionalText(JsonNode n, String key, String at) throws InvalidStateException {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new InvalidStateException(at + key + ": not text");
        if (v.textValue().length() > 4096) throw new InvalidStateException(at + key + ": longer than 4096 characters");
        return v.textValue();
    }

    private static Instant optionalInstant(JsonNode n, String key, String at) throws InvalidStateException {
        String s = optionalText(n, key, at);
        if (s == null) return null;
        try {
            Instant t = Instant.parse(s);
            if (t.getEpochSecond() < 0 || t.getEpochSecond() > 32503680000L) throw new DateTimeParseException("", s, 0);
            return t;
        } catch (DateTimeParseException e) {
            throw new InvalidStateException(at + key + ": not a time (ISO-8601, UTC, years 1970-2999)");
        }
    }

    private static String optionalAddress(JsonNode n, String key, String at) throws InvalidStateException {
        String s = optionalText(n, key, at);
        if (s == null) return null;
        if (IpLiteral.parse(s).isEmpty()) throw new InvalidStateException(at + key + ": not an IP address");
        return s;
    }

    void save(State state) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, FILE_NAME, ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = Channels.newOutputStream(ch)) {
                out.write(JsonTree.write(document(state)));
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

    /** The JSON document for a state (also the status page's record list). */
    static ObjectNode document(State s) {
        ObjectNode doc = JsonTree.object().put("version", VERSION);
        putIfSet(doc, "wanAddress", s.wanAddress());
        putIfSet(doc, "wanSource", s.wanSource());
        putIfSet(doc, "wanSeenAt", s.wanSeenAt());
        ArrayNode records = doc.putArray("records");
        for (RecordState r : s.records()) records.add(document(r));
        s.ha().ifPresent(ha -> {
            ObjectNode o = doc.putObject("ha").put("role", ha.role().word()).put("takeovers", ha.takeovers());
            putIfSet(o, "lastTakeover", ha.lastTakeover());
            putIfSet(o, "recordedAt", ha.recordedAt());
            ObjectNode holders = o.putObject("holders");
            ha.holders().forEach((name, holder) -> holders.put(name, holder.isEmpty() ? null : holder));
        });
        return doc;
    }

    static ObjectNode document(RecordState r) {
        ObjectNode o = JsonTree.object().put("provider", r.provider()).put("hostname", r.hostname())
                .put("type", r.type().name());
        putIfSet(o, "address", r.address());
        putIfSet(o, "updatedAt", r.updatedAt());
        o.put("status", r.status().name()).put("result", r.result());
        putIfSet(o, "attemptedAddress", r.attemptedAddress());
        o.put("failures", r.failures());
        putIfSet(o, "retryAt", r.retryAt());
        putIfSet(o, "fingerprint", r.fingerprint());
        return o;
    }

    private static void putIfSet(ObjectNode o, String key, Object value) {
        if (value != null) o.put(key, value.toString());
    }
}
