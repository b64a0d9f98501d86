package dev.wanagent.agent;

import java.util.Objects;

/**
 * One line of {@code wan-agent check}: what it is about, how much it matters and, in plain words, what to do.
 *
 * @param subject what the line is about ({@code upnp}, {@code cgnat}, {@code mapping web}, ...)
 */
record Finding(Level level, String subject, String text) {
    enum Level {
        /** Works. */
        OK("ok"),
        /** Worth knowing; nothing to do. */
        NOTE("note"),
        /** Something fails or is missing, but the config's goal is still reached. */
        WARNING("warning"),
        /** The config's goal (mappings reachable from the internet, DNS pointing at this network) is not reached. */
        BLOCKING("BLOCKING");

        final String word;

        Level(String word) {
            this.word = word;
        }
    }

    Finding {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
    }

    static Finding ok(String subject, String text) {
        return new Finding(Level.OK, subject, text);
    }

    static Finding note(String subject, String text) {
        return new Finding(Level.NOTE, subject, text);
    }

    static Finding warning(String subject, String text) {
        return new Finding(Level.WARNING, subject, text);
    }

    static Finding blocking(String subject, String text) {
        return new Finding(Level.BLOCKING, subject, text);
    }

    boolean blocks() {
        return level == Level.BLOCKING;
    }

    /** {@code subject: level: text}, as check prints it. */
    String line() {
        return subject + ": " + level.word + ": " + text;
    }
}
