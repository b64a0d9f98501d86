package dev.wanagent.ddns;

import dev.wanagent.config.IpLiteral;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** What DNS answers for a hostname now (dnsjava), for {@code verifyDns}. No caching: every call asks. */
public final class LiveDns {
    private LiveDns() {
    }

    /**
     * The A (or AAAA) addresses of {@code hostname}, asked of {@code server} (an IP address) or the system's
     * resolver. An empty set means the name has no such record; a failure to get an answer throws.
     */
    public static Set<InetAddress> lookup(String hostname, boolean ipv6, Optional<String> server) throws IOException {
        Lookup lookup;
        try {
            lookup = new Lookup(hostname.endsWith(".") ? hostname : hostname + ".", ipv6 ? Type.AAAA : Type.A);
        } catch (TextParseException e) {
            throw new IOException("not a DNS name: " + hostname);
        }
        Resolver resolver;
        if (server.isPresent()) {
            // SimpleResolver(String) would look a name up: the server is taken as an IP literal only
            InetAddress address = IpLiteral.parse(server.get())
                    .orElseThrow(() -> new IOException("not an IP address: " + server.get()));
            resolver = new SimpleResolver(new InetSocketAddress(address, SimpleResolver.DEFAULT_PORT));
        } else {
            resolver = Lookup.getDefaultResolver();
        }
        resolver.setTimeout(Duration.ofSeconds(3));
        lookup.setResolver(resolver);
        lookup.setCache(null);
        Record[] records = lookup.run();
        int result = lookup.getResult();
        if (result == Lookup.TRY_AGAIN || result == Lookup.UNRECOVERABLE) {
            throw new IOException("DNS lookup of " + hostname + " failed: " + lookup.getErrorString());
        }
        Set<InetAddress> out = new HashSet<>();
        if (records != null) {
            for (Record r : records) {
                if (r instanceof ARecord a) out.add(a.getAddress());
                if (r instanceof AAAARecord a) out.add(a.getAddress());
            }
        }
        return out;
    }
}
