package dev.wanagent.upnp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Route command outputs written by hand in each OS's format (src/test/resources/routes): Windows files keep route.exe's
 * CRLF line ends. {@link #asWindowsPipeDelivers} turns a file into what {@link OsCommand} hands the parser when
 * route.exe writes in the console's OEM code page (850 for German and French Windows, 437 for English).
 */
final class RouteOutputs {
    private RouteOutputs() {
    }

    static String text(String name) {
        try (InputStream in = RouteOutputs.class.getResourceAsStream("/routes/" + name)) {
            if (in == null) throw new IllegalArgumentException("no resource routes/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file encoded as route.exe would in {@code codePage} (IBM850, IBM437), read back as OsCommand reads it. */
    static String asWindowsPipeDelivers(String name, String codePage) {
        return new String(text(name).getBytes(Charset.forName(codePage)), StandardCharsets.ISO_8859_1);
    }
}
