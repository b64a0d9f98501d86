import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.SAXParserFactory;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Options;
import org.slf4j.LoggerFactory;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The memory floor of wan-agent's stack, for lab/bench.sh: a program that does nothing of the agent's work but
 * uses each library the agent must use once, as the agent does — Commons CLI for its arguments, SLF4J (the agent's
 * backend) for one line, Jackson's streaming YAML parser for a config, the JDK's SAX parser for the router's device
 * description (weupnp parses with it too), one plain-http OkHttp request every minute (the router's SOAP and the
 * providers' calls), a UDP socket waiting for SSDP and a TCP socket waiting for GENA — then waits. The bench runs
 * it with bin/wan-agent's JVM flags and its own class-data archive, and shows its settled RSS beside the agent's:
 * what the JVM and these libraries take before any of the agent's own work.
 *
 * Usage (classpath: a jar of this class and the agent's jar): StackFloor URL, an http URL that answers a GET.
 */
public final class StackFloor {
    public static void main(String[] args) throws Exception {
        new DefaultParser().parse(new Options().addOption("c", "config", true, "config file"), new String[] {"-c", "x"});
        try (JsonParser p = new YAMLFactory().createParser(
                "router:\n  upnp: {enabled: true, events: true}\nmappings:\n  - {name: web, externalPort: 8080}\n")) {
            while (p.nextToken() != null) {
                p.getText();
            }
        }
        SAXParserFactory xml = SAXParserFactory.newInstance();
        xml.setNamespaceAware(true);
        xml.newSAXParser().parse(new ByteArrayInputStream(("<?xml version=\"1.0\"?><root xmlns=\"urn:schemas-upnp-org:"
                + "device-1-0\"><device><friendlyName>router</friendlyName></device></root>")
                .getBytes(StandardCharsets.UTF_8)), new DefaultHandler());

        ServerSocket gena = new ServerSocket(0);
        DatagramSocket ssdp = new DatagramSocket(0);
        daemon(() -> {
            while (true) gena.accept().close();
        });
        daemon(() -> {
            byte[] b = new byte[1500];
            while (true) ssdp.receive(new DatagramPacket(b, b.length));
        });

        OkHttpClient http = new OkHttpClient.Builder().connectionSpecs(List.of(ConnectionSpec.CLEARTEXT)).build();
        Request get = new Request.Builder().url(args[0]).build();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        scheduler.scheduleWithFixedDelay(() -> {
            try (Response r = http.newCall(get).execute()) {
                r.body().string();
            } catch (IOException e) {
                System.err.println("StackFloor: " + e);
            }
        }, 0, 60, TimeUnit.SECONDS);
        LoggerFactory.getLogger(StackFloor.class).info("up");
        Thread.sleep(Long.MAX_VALUE);
    }

    interface Blocking {
        void run() throws IOException;
    }

    private static void daemon(Blocking body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (IOException e) {
                System.err.println("StackFloor: " + e);
            }
        });
        t.setDaemon(true);
        t.start();
    }
}
