package dev.wanagent.ddns;

import dev.wanagent.config.ProviderConfig;
import dev.wanagent.config.Rfc2136ProviderConfig;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * RFC 2136 dynamic DNS UPDATE signed with TSIG (dnsjava), sent to the zone's primary. Every hostname's A (or
 * AAAA) RRset is replaced in one message, so the zone never holds half an update.
 */
public final class Rfc2136Provider implements DnsProvider {
    private final Rfc2136ProviderConfig config;

    public Rfc2136Provider(Rfc2136ProviderConfig config) {
        this.config = config;
    }

    @Override
    public ProviderConfig config() {
        return config;
    }

    @Override
    public Map<String, UpdateOutcome> update(List<String> hostnames, InetAddress address) {
        UpdateOutcome outcome;
        try {
            Name zone = Name.fromString(config.zone(), Name.root);
            Update update = new Update(zone);
            for (String host : hostnames) {
                Name name = Name.fromString(host, Name.root);
                Record record = address instanceof Inet6Address
                        ? new AAAARecord(name, DClass.IN, config.ttl(), address)
                        : new ARecord(name, DClass.IN, config.ttl(), address);
                update.replace(record);
            }
            SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(config.server(), config.port()));
            resolver.setTimeout(Duration.ofSeconds(10));
            Name algorithm = config.tsigAlgorithm().equals("hmac-sha512") ? TSIG.HMAC_SHA512 : TSIG.HMAC_SHA256;
            resolver.setTSIGKey(new TSIG(algorithm, Name.fromString(config.tsigKeyName(), Name.root),
                    config.tsigSecret().reveal().trim()));
            Message response = resolver.send(update);
            int rcode = response.getRcode();
            String shown = Rcode.string(rcode);
            if (rcode == Rcode.NOERROR && !signedWithTheKey(response)) {
                // a success must come signed with our key: anything else could be forged
                outcome = UpdateOutcome.retry("the server's NOERROR answer is not signed with the key");
            } else if (rcode == Rcode.NOERROR) {
                outcome = UpdateOutcome.success("NOERROR " + (address instanceof Inet6Address ? "AAAA " : "A ")
                        + address.getHostAddress());
            } else if (rcode == Rcode.SERVFAIL) {
                outcome = UpdateOutcome.retry("SERVFAIL from " + config.server());
            } else if (rcode == Rcode.NOTAUTH) {
                outcome = UpdateOutcome.fatal("NOTAUTH: the server does not accept key " + config.tsigKeyName()
                        + " (wrong name, algorithm or secret) or is not authoritative for " + config.zone());
            } else if (rcode == Rcode.REFUSED) {
                outcome = UpdateOutcome.fatal("REFUSED: key " + config.tsigKeyName() + " may not update " + config.zone()
                        + " (update-policy)");
            } else if (rcode == Rcode.NOTZONE) {
                outcome = UpdateOutcome.fatal("NOTZONE: a hostname is not in zone " + config.zone());
            } else {
                outcome = UpdateOutcome.fatal(shown + " from " + config.server());
            }
        } catch (TextParseException e) {
            outcome = UpdateOutcome.fatal("not a DNS name: " + ProviderText.shown(e.getMessage()));
        } catch (IllegalArgumentException e) {
            outcome = UpdateOutcome.fatal("bad TSIG key: " + e.getClass().getSimpleName());
        } catch (IOException e) {
            // dnsjava's messages may quote the answer (a malformed message): shown, and never the key
            outcome = HttpAnswers.failure(e, config.server() + ":" + config.port(), config.tsigSecret().reveal().trim());
        }
        return outcome.forAll(hostnames);
    }

    /**
     * Whether dnsjava verified the answer's TSIG and its Original ID is the answer's ID. RFC 8945 (4.3.2) computes
     * the MAC over the header with the Original ID put in place of the ID; dnsjava 3.6 computes it over the header
     * as received and never reads the Original ID, so an answer whose Original ID was changed on the way still
     * passes its check. The primary answers us directly: the two IDs are the same in every answer it signed.
     */
    static boolean signedWithTheKey(Message response) {
        TSIGRecord tsig = response.getTSIG();
        return response.isVerified() && tsig != null && tsig.getOriginalID() == response.getHeader().getID();
    }
}
