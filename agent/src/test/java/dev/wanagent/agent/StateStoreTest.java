package dev.wanagent.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateStoreTest {
    @TempDir
    Path dir;

    private List<String> files() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Writes {@code content} as the state file and reads it: the problem must name {@code expected}. */
    private StateStore.Loaded readRefused(StateStore store, String content, String expected) throws IOException {
        Files.writeString(dir.resolve(StateStore.FILE_NAME), content);
        StateStore.Loaded l = store.read();
        assertTrue(l.problem().isPresent() && l.problem().get().contains(expected), content + " → " + l.problem());
        return l;
    }

    @Test
    void roundTripLeavesNoTemporaryFiles() throws Exception {
        StateStore store = new StateStore(dir.resolve("sub"));
        StateStore.State s = StateStore.State.empty().withWan("11.22.33.44", "upnp", Instant.parse("2026-11-25T10:00:00Z"))
                .with(new StateStore.RecordState("p", "h.example.net", StateStore.RecordType.A, "11.22.33.44",
                        Instant.parse("2026-11-25T10:00:00Z"), StateStore.Status.SUCCESS, "good", "11.22.33.44", 0,
                        null, "f00d"))
                .with(new StateStore.RecordState("p", "h.example.net", StateStore.RecordType.AAAA, null, null,
                        StateStore.Status.RETRY, "911", "2a00::1", 2, Instant.parse("2026-11-25T10:02:00Z"), "f00d"));
        store.save(s);
        store.save(s);
        assertEquals(s, store.read().state());
        assertEquals(s, store.open());
        try (Stream<Path> files = Files.list(dir.resolve("sub"))) {
            assertEquals(List.of(StateStore.FILE_NAME), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aFileOfAnEarlierVersionWithoutTypeIsRead() throws Exception {
        Files.writeString(dir.resolve(StateStore.FILE_NAME), """
                {"version":1,"wanAddress":"11.22.33.44","records":[{"provider":"p","hostname":"h.example.net",
                 "address":"11.22.33.44","updatedAt":"2026-11-25T10:00:00Z","status":"SUCCESS","result":"good",
                 "failures":0}]}""");
        StateStore.Loaded l = new StateStore(dir).read();
        assertTrue(l.problem().isEmpty(), l.problem().toString());
        assertEquals(StateStore.RecordType.A, l.state().records().get(0).type());
    }

    @Test
    void theHaPictureRoundTripsAndAFileWithoutItStillLoads() throws Exception {
        StateStore store = new StateStore(dir);
        Map<String, String> holders = new LinkedHashMap<>();
        holders.put("web", "192.168.77.101");
        holders.put("rdp", "");
        holders.put("dns", "192.168.77.101");
        StateStore.State s = StateStore.State.empty().withWan("11.22.33.44", "upnp", Instant.parse("2026-11-25T10:00:00Z"))
                .withHa(Optional.of(new StateStore.HaState(HaRole.ACTIVE, holders, 3,
                        Instant.parse("2026-11-25T10:00:05Z"), Instant.parse("2026-11-25T10:00:06Z"))));
        store.save(s);
        StateStore.State back = store.read().state();
        assertEquals(s, back);
        assertEquals(List.of("web", "rdp", "dns"), List.copyOf(back.ha().orElseThrow().holders().keySet()),
                "config order is kept");
        String file = Files.readString(store.file());
        assertTrue(file.contains("\"role\" : \"active\"") && file.contains("\"rdp\" : null"), file);

        // the file of an agent without HA (or of an earlier version): no ha, loads as before
        Files.writeString(store.file(), "{\"version\":1,\"wanAddress\":\"11.22.33.44\",\"records\":[]}");
        StateStore.Loaded old = store.read();
        assertTrue(old.problem().isEmpty(), old.problem().toString());
        assertEquals(Optional.empty(), old.state().ha());
    }

    @Test
    void aHostileHaPartIsNamedAndSetAside() throws Exception {
        String ok = "\"role\":\"standby\",\"takeovers\":0,\"recordedAt\":\"2026-11-25T10:00:00Z\"";
        String[][] cases = {
                {"{\"ha\":5}", "ha: not an object"},
                {"{\"ha\":[]}", "ha: not an object"},
                {"{\"ha\":{\"takeovers\":0,\"recordedAt\":\"2026-11-25T10:00:00Z\"}}", "ha.role: missing"},
                {"{\"ha\":{\"role\":\"master\",\"takeovers\":0,\"recordedAt\":\"2026-11-25T10:00:00Z\"}}",
                        "ha.role: not active, standby or single"},
                {"{\"ha\":{\"role\":7,\"takeovers\":0}}", "ha.role: not text"},
                {"{\"ha\":{\"role\":\"active\",\"takeovers\":-1,\"recordedAt\":\"2026-11-25T10:00:00Z\"}}",
                        "ha.takeovers: not a count"},
                {"{\"ha\":{\"role\":\"active\",\"takeovers\":\"3\",\"recordedAt\":\"2026-11-25T10:00:00Z\"}}",
                        "ha.takeovers: not a count"},
                {"{\"ha\":{\"role\":\"active\",\"takeovers\":1e400,\"recordedAt\":\"2026-11-25T10:00:00Z\"}}",
                        "ha.takeovers: not a count"},
                {"{\"ha\":{\"role\":\"active\",\"takeovers\":99999999999,\"recordedAt\":\"2026-11-25T10:00:00Z\"}}",
                        "ha.takeovers: not a count"},
                {"{\"ha\":{\"role\":\"active\",\"takeovers\":1}}", "ha.recordedAt: missing"},
                {"{\"ha\":{" + ok + ",\"lastTakeover\":\"yesterday\"}}", "ha.lastTakeover: not a time"},
                {"{\"ha\":{" + ok + ",\"holders\":[\"192.168.77.100\"]}}", "ha.holders: not an object"},
                {"{\"ha\":{" + ok + ",\"holders\":{\"web\":{\"ip\":1}}}}", "ha.holders: the holder of mapping 1 is not text"},
                {"{\"ha\":{" + ok + ",\"holders\":{\"web\":null,\"rdp\":\"" + "x".repeat(300) + "\"}}}",
                        "ha.holders: the holder of mapping 2 is not text"},
                {"{\"ha\":{" + ok + ",\"holders\":{\" \":\"192.168.77.100\"}}}", "ha.holders: mapping name 1 is blank"},
        };
        for (String[] c : cases) {
            Path f = dir.resolve(StateStore.FILE_NAME);
            StateStore store = new StateStore(dir);
            StateStore.Loaded l = readRefused(store, c[0], c[1]);
            assertEquals(Optional.empty(), l.state().ha());
            assertEquals(Optional.empty(), store.open().ha(), "the daemon starts afresh");
            assertFalse(Files.exists(f), "set aside");
            for (String n : files()) Files.delete(dir.resolve(n));
        }
    }

    /** Files that parse as JSON but are no state: each is set aside by the daemon, reported by read-only commands. */
    @Test
    void invalidStateIsSetAsideByTheDaemonAndOnlyReportedByReaders() throws Exception {
        String[][] cases = {
                {"{\"version\":1,\"records\":[{\"prov", "not JSON"},
                {"{\"records\":[{}]}", "records[0].provider: missing"},
                {"{\"records\":[{\"provider\":\"p\",\"hostname\":\"h\",\"status\":\"SUCCESS\",\"address\":\"1.2.3.4\","
                        + "\"updatedAt\":\"yesterday\"}]}", "records[0].updatedAt: not a time"},
                {"{\"records\":[{\"provider\":\"p\",\"hostname\":\"h\"}]}", "records[0].status: missing"},
                {"{\"records\":[{\"provider\":\"p\",\"hostname\":\"h\",\"status\":\"MAYBE\"}]}", "records[0].status: not"},
                {"{\"records\":[{\"provider\":\"p\",\"hostname\":\"h\",\"status\":\"RETRY\"}]}", "records[0].retryAt: required"},
                {"{\"records\":[{\"provider\":\"p\",\"hostname\":\"h\",\"status\":\"SUCCESS\",\"address\":\"evil.example\","
                        + "\"updatedAt\":\"2026-11-25T10:00:00Z\"}]}", "records[0].address: not an IP address"},
                {"{\"records\":[{\"provider\":\"p\",\"hostname\":\"h\",\"status\":\"FATAL\",\"failures\":-3}]}", "failures"},
                {"{\"records\":{}}", "records: not a list"},
                {"{\"version\":7}", "version"},
                {"[]", "not a JSON object"},
                {"null", "not a JSON object"},
                {"{\"wanAddress\":12}", "wanAddress: not text"},
        };
        for (String[] c : cases) {
            Path f = dir.resolve(StateStore.FILE_NAME);
            StateStore store = new StateStore(dir);
            StateStore.Loaded l = readRefused(store, c[0], c[1]);
            assertTrue(l.state().records().isEmpty());
            assertEquals(c[0], Files.readString(f), "a reader leaves the file as it is");

            StateStore.State s = store.open();
            assertNull(s.wanAddress());
            assertTrue(s.records().isEmpty());
            assertFalse(Files.exists(f));
            List<String> aside = files().stream().filter(n -> n.startsWith(StateStore.FILE_NAME + ".bad-")).toList();
            assertEquals(1, aside.size(), files().toString());
            assertEquals(c[0], Files.readString(dir.resolve(aside.get(0))), "set aside, not lost");
            Files.delete(dir.resolve(aside.get(0)));
        }
    }

    @Test
    void temporaryFilesLeftByAKilledAgentAreRemovedOnOpen() throws Exception {
        Files.writeString(dir.resolve(StateStore.FILE_NAME + "123.tmp"), "{\"half");
        Files.writeString(dir.resolve("other.tmp"), "not ours");
        new StateStore(dir).read();
        assertTrue(Files.exists(dir.resolve(StateStore.FILE_NAME + "123.tmp")), "readers change nothing");
        new StateStore(dir).open();
        assertEquals(List.of("other.tmp"), files());
    }
}
