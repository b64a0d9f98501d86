package dev.wanagent.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every problem found in one config, in the order found, each line {@code key.path: what is wrong}. At most
 * {@link #MAX_REPORTED} lines are kept (a broken file can have millions of problems); the rest are counted.
 */
final class Problems {
    static final int MAX_REPORTED = 50;

    private final List<String> lines = new ArrayList<>();
    private final Set<String> paths = new HashSet<>();
    private int count;

    void add(String path, String message) {
        count++;
        paths.add(path);
        if (lines.size() < MAX_REPORTED) lines.add(path + ": " + message);
    }

    /** Whether a problem was recorded for exactly this key path. */
    boolean hasProblemAt(String path) {
        return paths.contains(path);
    }

    int count() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    ConfigException exception() {
        List<String> out = new ArrayList<>(lines);
        if (count > lines.size()) {
            out.add("(" + (count - lines.size()) + " more problems not listed; fix these first)");
        }
        return new ConfigException(out);
    }
}
