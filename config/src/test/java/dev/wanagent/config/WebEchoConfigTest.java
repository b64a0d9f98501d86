package dev.wanagent.config;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** router.web: its keys, defaults and checks; it never joins the router sources' order. */
class WebEchoConfigTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of("ECHO_KEY", "k-S3cret")::get);

    private RouterConfig router(String web) throws ConfigException {
        return loader.parse("router:\n  web: {" + web + "}\n", "c.yaml").router();
    }

    private List<String> problems(String web) {
        return assertThrows(ConfigException.class, () -> router(web)).problems();
    }

    @Test
    void offByDefault() throws Exception {
        WebEchoConfig w = loader.parse("pollInterval: 5m\n", "c.yaml").router().web();
        assertEquals(WebEchoConfig.disabled(), w);
        assertFalse(w.enabled());
        assertEquals(Duration.ofMinutes(5), w.interval());
    }

    @Test
    void readsEveryKeyAndStaysOutOfTheSourceOrder() throws Exception {
        RouterConfig r = router("enabled: true, urls: [https://api.ipify.org, 'https://ipv4.icanhazip.com/'],"
                + " interval: 10m");
        assertEquals(new WebEchoConfig(true, List.of(URI.create("https://api.ipify.org"),
                URI.create("https://ipv4.icanhazip.com/")), Duration.ofMinutes(10)), r.web());
        assertEquals(List.of("upnp"), r.sourceOrder());
    }

    @Test
    void twoEchoesMustBeAbleToAgree() {
        assertEquals(List.of("router.web.urls: is required when router.web is enabled: an address counts only when"
                + " two echoes agree on it (e.g. [https://api.ipify.org, https://ipv4.icanhazip.com])"),
                problems("enabled: true"));
        assertEquals(List.of("router.web.urls: lists one URL; give at least two when router.web is enabled: an address"
                + " counts only when two echoes agree on it (e.g. [https://api.ipify.org, https://ipv4.icanhazip.com])"),
                problems("enabled: true, urls: [https://api.ipify.org]"));
        assertEquals(List.of("router.web.urls[1]: \"https://api.ipify.org\" is listed twice (two different echoes must"
                + " agree)"), problems("enabled: true, urls: [https://api.ipify.org, https://api.ipify.org, http://x.example]"));
    }

    @Test
    void badUrlsAndIntervalsAreNamed() {
        assertEquals(List.of("router.web.urls[0]: \"ftp://echo.example\" is not an http(s) URL with a host (e.g."
                + " https://api.ipify.org)"), problems("urls: ['ftp://echo.example']"));
        List<String> userinfo = problems("urls: ['https://me:${ECHO_KEY}@echo.example/']");
        assertEquals(1, userinfo.size(), userinfo.toString());
        assertFalse(userinfo.get(0).contains("k-S3cret"), userinfo.get(0));
        assertEquals(List.of("router.web.urls[0]: \"https://echo.example/#x\" has a fragment (#...): give the URL"
                + " without it"), problems("urls: ['https://echo.example/#x']"));
        assertEquals(List.of("router.web.interval: \"10s\" is too short (at least 1m)"), problems("interval: 10s"));
        assertEquals(List.of("router.web.intervall: unknown key (did you mean 'interval'?); known keys here: enabled,"
                + " urls, interval"), problems("intervall: 5m"));
    }
}
