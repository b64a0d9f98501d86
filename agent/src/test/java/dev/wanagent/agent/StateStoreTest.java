package dev.wanagent.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateStoreTest {
    @TempDir
    Path dir;

    @Test
    void roundTripLeavesNoTemporaryFiles() throws Exception {
        StateStore store = new StateStore(dir.resolve("sub"));
        StateStore.State s = StateStore.State.empty().withWan("11.22.33.44", "upnp", "2026-11-25T10:00:00Z")
                .with(new StateStore.RecordState("p", "h.example.net", "A", "11.22.33.44", "2026-11-25T10:00:00Z",
                        "SUCCESS", "good", "11.22.33.44", 0, null, "f00d"));
        store.save(s);
        store.save(s);
        assertEquals(s, store.load());
        try (Stream<Path> files = Files.list(dir.resolve("sub"))) {
            assertEquals(List.of(StateStore.FILE_NAME), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void corruptFileIsSetAsideNotLost() throws Exception {
        Files.writeString(dir.resolve(StateStore.FILE_NAME), "{\"version\":1,\"records\":[{\"prov");
        StateStore.State s = new StateStore(dir).load();
        assertNull(s.wanAddress());
        assertTrue(s.records().isEmpty());
        assertEquals("{\"version\":1,\"records\":[{\"prov", Files.readString(dir.resolve(StateStore.FILE_NAME + ".corrupt")));
    }
}
