package dev.wanagent.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Replaces {@code ${NAME}} with the environment variable NAME and {@code ${file:/path}} with the trimmed content of
 * that file. {@code $${} stands for a literal {@code ${}. A reference that cannot be resolved throws
 * {@link IllegalArgumentException} with a message that names the variable or file, never a value.
 */
final class Interpolation implements ConfigNode.Interpolator {
    private static final long MAX_SECRET_FILE_BYTES = 64 * 1024;
    private final Function<String, String> environment;

    Interpolation(Function<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public String apply(String value) {
        if (!value.contains("${")) return value;
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            if (value.startsWith("$${", i)) {
                out.append("${");
                i += 3;
                continue;
            }
            if (value.startsWith("${", i)) {
                int end = value.indexOf('}', i + 2);
                if (end < 0) throw new IllegalArgumentException("unclosed ${ reference (missing '}')");
                out.append(resolve(value.substring(i + 2, end).trim()));
                i = end + 1;
                continue;
            }
            out.append(value.charAt(i++));
        }
        return out.toString();
    }

    private String resolve(String reference) {
        if (reference.startsWith("file:")) {
            Path file = Path.of(reference.substring("file:".length()).trim());
            try {
                if (Files.size(file) > MAX_SECRET_FILE_BYTES) {
                    throw new IllegalArgumentException("file " + file + " (from ${file:...}) is larger than 64 KiB");
                }
                return Files.readString(file).trim();
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("file " + file + " (from ${file:...}) does not exist");
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read file " + file + " (from ${file:...}): "
                        + e.getClass().getSimpleName());
            }
        }
        if (!reference.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("${" + reference + "} is not a variable name (letters, digits, _)"
                    + " or ${file:/path}");
        }
        String v = environment.apply(reference);
        if (v == null) throw new IllegalArgumentException("environment variable " + reference + " is not set");
        return v;
    }
}
