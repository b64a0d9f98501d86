package dev.wanagent.snmp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.CommandResponder;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.Snmp;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.IpAddress;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.Variable;
import org.snmp4j.transport.DefaultUdpTransportMapping;

import java.io.IOException;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Receives SNMPv2c notifications from the router: linkUp / linkDown mean the WAN may have changed, so the
 * listener asks for an immediate re-read. A trap is only a hint (the read is the truth); traps from any other
 * address or with another community are dropped with a log line.
 */
public final class SnmpTrapListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnmpTrapListener.class);
    static final OID LINK_DOWN = new OID("1.3.6.1.6.3.1.1.5.3");
    static final OID LINK_UP = new OID("1.3.6.1.6.3.1.1.5.4");

    private final Snmp snmp;

    private SnmpTrapListener(Snmp snmp) {
        this.snmp = snmp;
    }

    /**
     * Listens on {@code localAddress:port} for notifications from {@code router} with {@code community};
     * {@code onLinkChange} gets "linkUp"/"linkDown".
     */
    public static SnmpTrapListener start(InetAddress localAddress, int port, InetAddress router, String community,
                                         Consumer<String> onLinkChange) throws IOException {
        MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
        dispatcher.addMessageProcessingModel(new MPv2c());
        DefaultUdpTransportMapping transport = new DefaultUdpTransportMapping(new UdpAddress(localAddress, port));
        Snmp snmp = new Snmp(dispatcher, transport);
        byte[] expected = community.getBytes(StandardCharsets.UTF_8);
        snmp.addCommandResponder(new CommandResponder() {
            @Override
            public <A extends Address> void processPdu(CommandResponderEvent<A> event) {
                event.setProcessed(true);
                Address from = event.getPeerAddress();
                InetAddress source = from instanceof IpAddress ip ? ip.getInetAddress() : null;
                if (!router.equals(source)) {
                    LOG.warn("SNMP trap from {} ignored: only the router {} is listened to", from, router.getHostAddress());
                    return;
                }
                if (event.getMessageProcessingModel() != org.snmp4j.mp.MessageProcessingModel.MPv2c
                        || !MessageDigest.isEqual(expected, event.getSecurityName())) {
                    LOG.warn("SNMP trap from {} ignored: not SNMPv2c with the configured community", from);
                    return;
                }
                linkChange(event.getPDU()).ifPresent(onLinkChange);
            }
        });
        transport.listen();
        LOG.info("SNMP: listening for the router's linkUp/linkDown traps on {}:{}", localAddress.getHostAddress(), port);
        return new SnmpTrapListener(snmp);
    }

    /** "linkUp" or "linkDown" when {@code pdu} is such a notification; empty for anything else. */
    static Optional<String> linkChange(PDU pdu) {
        if (pdu == null || pdu.getType() != PDU.NOTIFICATION) return Optional.empty();
        Variable trapOid = pdu.getVariable(SnmpConstants.snmpTrapOID);
        if (trapOid instanceof OID oid) {
            if (oid.equals(LINK_DOWN)) return Optional.of("linkDown");
            if (oid.equals(LINK_UP)) return Optional.of("linkUp");
            LOG.debug("SNMP trap {} from the router ignored", SnmpRouter.shown(oid));
        }
        return Optional.empty();
    }

    @Override
    public void close() throws IOException {
        snmp.close();
    }
}
