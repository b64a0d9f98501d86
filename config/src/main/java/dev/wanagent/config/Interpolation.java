package dev.wanagent.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Replaces {@code ${NAME}} with the environment variable NAME and {@code ${file:/path}} with the trimmed content of
 * that file. {@code $${} stands for a literal {@code ${}. A reference that cannot be resolved throws
 * {@link IllegalArgumentException} with a message that names the variable or file, never a value.
 * <p>
 * Only regular files are read (a FIFO would block, /dev/zero never ends), at most {@value #MAX_FILE_BYTES} bytes
 * each, each file once per config; a value is at most {@value #MAX_VALUE_CHARS} characters after substitution.
 */
final class Interpolation {
    static final int MAX_FILE_BYTES = 64 * 1024;
    static final int MAX_VALUE_CHARS = 64 * 1024;

    /**
     * A scalar after substitution.
     *
     * @param references the references it used, as written ({@code ${NOIP_PASSWORD}}, {@code ${file:/etc/pw}}):
     *                   when not empty, the value may be a secret and is never shown
     */
    record Resolved(String value, List<String> references) {
        Resolved {
            references = List.copyOf(references);
        }
    }

    private final Function<String, String> environment;
    private final Map<String, String> files = new HashMap<>();

    Interpolation(Function<String, String> environment) {
        this.environment = environment;
    }

    String apply(String value) {
        return resolve(value).value();
    }

    Resolved resolve(String value) {
        if (!value.contains("${")) return new Resolved(value, List.of());
        StringBuilder out = new StringBuilder();
        List<String> references = new ArrayList<>();
        int i = 0;
        while (i < value.length()) {
            if (value.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (value.startsWith("${", i)) {
                int end = value.indexOf('}', i + 2);
                if (end < 0) throw new IllegalArgumentException("unclosed ${ reference (missing '}')");
                String reference = value.substring(i + 2, end).trim();
                out.append(lookUp(reference));
                references.add("${" + Redaction.plain(reference) + "}");
                i = end + 1;
            } else {
                out.append(value.charAt(i++));
            }
            if (out.length() > MAX_VALUE_CHARS) {
                throw new IllegalArgumentException("is longer than " + MAX_VALUE_CHARS
                        + " characters after ${...} substitution");
            }
        }
        return new Resolved(out.toString(), references);
    }

    private String lookUp(String reference) {
        if (reference.startsWith("file:")) {
            String name = reference.substring("file:".length()).trim();
            String content = files.get(name);
            if (content == null) {
                content = readFile(name);
                files.put(name, content);
            }
            return content;
        }
        if (!reference.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("${" + Redaction.plain(reference) + "} is not a variable name"
                    + " (letters, digits, _) or ${file:/path}");
        }
        String v = environment.apply(reference);
        if (v == null) throw new IllegalArgumentException("environment variable " + reference + " is not set");
        return v;
    }

    private static String readFile(String name) {
        String shown = "file " + Redaction.plain(name) + " (from ${file:...})";
        Optional<Path> file = name.isEmpty() ? Optional.empty() : TextFile.path(name);
        if (file.isEmpty()) throw new IllegalArgumentException(shown + " is not a valid path");
        try {
            return new TextFile(file.get(), MAX_FILE_BYTES).read().trim();
        } catch (TextFile.Unreadable e) {
            throw new IllegalArgumentException(switch (e.problem()) {
                case MISSING -> shown + " does not exist";
                case NOT_REGULAR -> shown + " is not a regular file (FIFOs, devices and directories are not read)";
                case TOO_LARGE -> shown + " is larger than " + TextFile.size(MAX_FILE_BYTES);
                case NOT_UTF8 -> shown + " is not UTF-8 text";
                case UNREADABLE -> "cannot read " + shown + ": " + e.getMessage();
            });
        }
    }
}
