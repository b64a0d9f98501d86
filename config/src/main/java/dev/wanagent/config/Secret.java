package dev.wanagent.config;

import java.util.Objects;

/**
 * A credential read from the config. Its {@link #toString()} never shows the value, so a secret that ends up in a log
 * line or an error message by accident prints as {@code ****}.
 */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The clear value, for the one place that must send it (an Authorization header, a signature). */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return "****";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
