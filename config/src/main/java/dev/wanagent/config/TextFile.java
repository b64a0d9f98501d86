package dev.wanagent.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * A small UTF-8 text file, read without surprises: only a regular file is opened (a FIFO would block forever, a
 * device such as /dev/zero never ends), and never more than {@code maxBytes} are read, whatever the file claims.
 */
final class TextFile {
    /** Why a file could not be read; callers phrase the message, naming the file. */
    enum Problem { MISSING, NOT_REGULAR, TOO_LARGE, NOT_UTF8, UNREADABLE }

    /** The file cannot be used; {@link #problem()} says why. Carries no file content. */
    static final class Unreadable extends Exception {
        private final Problem problem;

        Unreadable(Problem problem, String detail) {
            super(detail, null, false, false);
            this.problem = problem;
        }

        Problem problem() {
            return problem;
        }
    }

    private final Path path;
    private final int maxBytes;

    TextFile(Path path, int maxBytes) {
        this.path = path;
        this.maxBytes = maxBytes;
    }

    /** {@code text} as a path, or empty when it cannot be one on this system (e.g. it contains NUL). */
    static Optional<Path> path(String text) {
        try {
            return Optional.of(Path.of(text));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    String read() throws Unreadable {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class); // follows symbolic links
        } catch (NoSuchFileException e) {
            throw new Unreadable(Problem.MISSING, "");
        } catch (IOException | SecurityException e) {
            throw new Unreadable(Problem.UNREADABLE, e.getClass().getSimpleName());
        }
        if (!attributes.isRegularFile()) throw new Unreadable(Problem.NOT_REGULAR, "");
        if (attributes.size() > maxBytes) throw new Unreadable(Problem.TOO_LARGE, "");
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(maxBytes + 1); // the file may have grown since, or claim size 0 (/proc)
        } catch (IOException | SecurityException e) {
            throw new Unreadable(Problem.UNREADABLE, e.getClass().getSimpleName());
        }
        if (bytes.length > maxBytes) throw new Unreadable(Problem.TOO_LARGE, "");
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Unreadable(Problem.NOT_UTF8, "");
        }
    }

    /** "64 KiB", "1 MiB": how the limits are named in messages. */
    static String size(long bytes) {
        if (bytes % (1024 * 1024) == 0) return bytes / (1024 * 1024) + " MiB";
        if (bytes % 1024 == 0) return bytes / 1024 + " KiB";
        return bytes + " bytes";
    }
}
