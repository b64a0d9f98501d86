package dev.wanagent.agent;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/** Somewhere the router's WAN address can be read from (UPnP, SNMP). */
interface WanSource {
    /** "upnp", "snmp": the name used in config and on the command line. */
    String name();

    /** Asks the router for its WAN address now. */
    WanAddress readWanAddress() throws IOException;

    /** One line on what this source found, for {@code wan-agent check}. */
    String describe() throws IOException;

    /** When this source needs a pass by itself (e.g. to start a listener again that could not start); or empty. */
    default Optional<Instant> nextDue(Instant now) {
        return Optional.empty();
    }
}
