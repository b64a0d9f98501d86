package dev.wanagent.agent;

import dev.wanagent.config.ProviderConfig;
import dev.wanagent.config.Secret;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * A keyed fingerprint of one provider's config, secrets included, so that a record the provider refused stays
 * stopped across restarts until its config changes (a new password, token or hostname). The key is random, made
 * once and kept in the state directory (mode 600); the fingerprint reveals nothing about the secrets without it.
 */
final class ConfigFingerprint {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFingerprint.class);
    static final String KEY_FILE = "fingerprint.key";
    private final Path stateDir;
    private byte[] key;

    private ConfigFingerprint(Path stateDir, byte[] key) {
        this.stateDir = stateDir;
        this.key = key;
    }

    /** Fingerprints keyed from {@code stateDir}; the key is read, or made, when first needed. */
    static ConfigFingerprint in(Path stateDir) {
        return new ConfigFingerprint(stateDir, null);
    }

    private synchronized byte[] key() {
        if (key == null) {
            try {
                key = loadKey(stateDir);
            } catch (IOException e) {
                LOG.warn("cannot keep {} in {} ({}): a refused DNS record will be tried again after a restart",
                        KEY_FILE, stateDir, e.getMessage());
                key = new byte[32];
                new SecureRandom().nextBytes(key);
            }
        }
        return key;
    }

    private static byte[] loadKey(Path stateDir) throws IOException {
        Path file = stateDir.resolve(KEY_FILE);
        if (Files.exists(file)) {
            byte[] k = Files.readAllBytes(file);
            if (k.length >= 32) return k;
        }
        Files.createDirectories(stateDir);
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        Path tmp = Files.createTempFile(stateDir, KEY_FILE, ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system (Windows): the state directory's own permissions apply
            }
            Files.write(tmp, k);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return k;
    }

    String of(ProviderConfig config) {
        StringBuilder canonical = new StringBuilder(config.type());
        append(canonical, config);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(canonical.toString().getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Every component of a record, secrets revealed (they only enter the HMAC), nested records included. */
    private static void append(StringBuilder b, Object value) {
        if (value instanceof Secret s) {
            b.append("\u0001").append(s.reveal());
        } else if (value instanceof Record r) {
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                b.append("\u0000").append(c.getName()).append('=');
                try {
                    append(b, c.getAccessor().invoke(r));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        } else if (value instanceof Map<?, ?> m) {
            new java.util.TreeMap<>(m.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                    e -> String.valueOf(e.getKey()), Map.Entry::getValue))).forEach((k, v) -> {
                        b.append("\u0002").append(k).append('=');
                        append(b, v);
                    });
        } else {
            b.append(value);
        }
    }
}
