package dev.wanagent.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NotifyConfigTest {
    private static final Map<String, String> ENV = Map.of("HOOK_URL", "https://hooks.example.com/T0/B0/envSecretPart123",
            "TG_TOKEN", "123456:ABCdefGhIJKlmnOPQrstuVWXyz_0123", "NTFY_TOKEN", "tk_abcdefghijklmnop");

    private static List<NotifyConfig> load(String notify) throws ConfigException {
        return new ConfigLoader(ENV::get).parse("notify:\n" + notify, "t.yaml").notifications();
    }

    private static List<String> problems(String notify) {
        return assertThrows(ConfigException.class, () -> load(notify)).problems();
    }

    @Test
    void presetsBecomeTheRequestTheirServiceDocuments() throws ConfigException {
        List<NotifyConfig> hooks = load("""
                  - type: ntfy
                    topic: wan_home-1
                    token: ${NTFY_TOKEN}
                  - type: gotify
                    url: https://gotify.example.com/
                    token: AppToken123
                    events: [wan_change, router_restart]
                  - type: discord
                    url: https://discord.com/api/webhooks/1/abc
                  - type: slack
                    url: ${HOOK_URL}
                  - type: telegram
                    botToken: ${TG_TOKEN}
                    chatId: "@wanagent_news"
                  - type: webhook
                    url: http://192.168.1.10:8080/hook
                """);
        NotifyConfig ntfy = hooks.get(0);
        assertEquals("https://ntfy.sh/", ntfy.url().reveal());
        assertEquals("ntfy ntfy.sh", ntfy.label());
        assertEquals("Bearer tk_abcdefghijklmnop", ntfy.headers().get("Authorization").reveal());
        assertTrue(ntfy.body().get().text().contains("\"topic\": \"wan_home-1\""), ntfy.body().get().text());
        assertEquals(Set.copyOf(NotifyConfig.EVENTS), ntfy.events(), "every event unless filtered");
        NotifyConfig gotify = hooks.get(1);
        assertEquals("https://gotify.example.com/message", gotify.url().reveal());
        assertEquals("AppToken123", gotify.headers().get("X-Gotify-Key").reveal());
        assertEquals(Set.of("wan_change", "router_restart"), gotify.events());
        assertFalse(gotify.wants("mapping_lost"));
        assertEquals("{\"content\": \"{{message}}\"}", hooks.get(2).body().get().text());
        assertEquals("slack hooks.example.com", hooks.get(3).label());
        assertEquals("{\"text\": \"{{message}}\"}", hooks.get(3).body().get().text());
        NotifyConfig telegram = hooks.get(4);
        assertEquals("https://api.telegram.org/bot123456:ABCdefGhIJKlmnOPQrstuVWXyz_0123/sendMessage",
                telegram.url().reveal());
        assertEquals("{\"chat_id\": \"@wanagent_news\", \"text\": \"{{message}}\"}", telegram.body().get().text());
        NotifyConfig webhook = hooks.get(5);
        assertEquals("POST", webhook.method());
        assertEquals(Set.copyOf(BodyTemplate.FIELDS), webhook.body().get().names(), "the default body has every field");
        assertEquals(Optional.empty(), load("  - type: webhook\n    url: https://h.example.com/x\n    method: get\n")
                .get(0).body());
    }

    @Test
    void eachMistakeNamesItsKey() {
        List<String> p = problems("""
                  - type: pager
                  - type: webhook
                  - type: webhook
                    url: https://h.example.com/x
                    method: DELETE
                    events: [wan_change, coffee]
                    colour: red
                  - type: ntfy
                    topic: "no spaces"
                  - type: telegram
                    botToken: not-a-token
                    chatId: someone
                  - type: webhook
                    url: https://h.example.com/x
                    method: GET
                    body: '{}'
                  - type: gotify
                    url: ftp://gotify.example.com
                    token: "tok en"
                  - type: slack
                    url: http://hooks.slack.com/services/x
                    allowPlainHttp: true
                  - just text
                """);
        String all = String.join("\n", p);
        assertTrue(all.contains("notify[0].type: \"pager\" is not a known notification type (known: webhook, ntfy,"
                + " gotify, discord, slack, telegram)"), all);
        assertTrue(all.contains("notify[1].url: is required"), all);
        assertTrue(all.contains("notify[2].method: \"DELETE\" is not POST, PUT or GET"), all);
        assertTrue(all.contains("notify[2].events[1]: \"coffee\" is not an event (known: wan_change,"), all);
        assertTrue(all.contains("notify[2].colour: unknown key"), all);
        assertTrue(all.contains("notify[3].topic: is not an ntfy topic"), all);
        assertTrue(all.contains("notify[4].botToken: is not a bot token"), all);
        assertTrue(all.contains("notify[4].chatId: \"someone\" is not a chat id"), all);
        assertTrue(all.contains("notify[5].body: is not sent with method GET"), all);
        assertTrue(all.contains("notify[6].url: is not an http(s) URL with a host"), all);
        assertTrue(all.contains("notify[6].token: may hold only visible ASCII"), all);
        assertTrue(all.contains("notify[7].allowPlainHttp: unknown key"), "no plain http to the cloud: " + all);
        assertTrue(all.contains("notify[7].url: uses plain http to hooks.slack.com: use https://"), all);
        assertTrue(all.contains("notify[8]: expected a mapping with type"), all);
        assertFalse(all.contains("not-a-token"), "a token is never echoed: " + all);
    }

    @Test
    void aBodyTemplateMustBeJsonWithKnownPlaceholders() {
        assertTrue(problems("  - type: webhook\n    url: https://h.example.com/x\n    body: '{\"a\": {{message}}}'\n")
                .get(0).startsWith("notify[0].body: is not JSON once its placeholders are filled in (line 1, column"));
        assertEquals(List.of("notify[0].body: uses {{password}}, which is not a field of an event (known: {{event}},"
                + " {{message}}, {{address}}, {{family}}, {{mapping}}, {{provider}}, {{time}})"),
                problems("  - type: webhook\n    url: https://h.example.com/x\n    body: '{\"a\": \"{{password}}\"}'\n"));
        assertEquals(List.of("notify[0].body: is not JSON once its placeholders are filled in (line 1, column 4);"
                + " put placeholders inside strings, as in \"{{message}}\", or set a Content-Type header"),
                problems("  - type: webhook\n    url: https://h.example.com/x\n    body: '{} trailing'\n"));
        assertTrue(problems("  - type: webhook\n    url: https://h.example.com/x\n    body: ''\n").get(0)
                .startsWith("notify[0].body: is empty"));
        // a plain-text hook may send text
        assertTrue(assertDoesNotThrow(() -> load("""
                  - type: webhook
                    url: https://h.example.com/x
                    headers:
                      Content-Type: text/plain
                    body: '{{message}}'
                """)).get(0).body().isPresent());
    }

    @Test
    void secretsNeverAppearInProblems() {
        List<String> p = problems("""
                  - type: webhook
                    url: http://${HOOK_URL}
                  - type: slack
                    url: ${HOOK_URL}x y
                  - type: webhook
                    url: https://user:pw-Secret-1@h.example.com/x
                    headers:
                      "Bad Header": "value"
                      X-Token: "line\\nbreak-Secret"
                """);
        String all = String.join("\n", p);
        assertFalse(all.contains("envSecretPart123"), all);
        assertFalse(all.contains("pw-Secret-1"), all);
        assertFalse(all.contains("break-Secret"), all);
        assertTrue(all.contains("notify[2].url: has credentials in it"), all);
        assertTrue(all.contains("notify[2].headers.\"Bad Header\": is not an HTTP header name"), all);
        assertTrue(all.contains("notify[2].headers.X-Token: holds a control character or a line break"), all);
    }

    @Test
    void filledTemplatesEscapeEveryValue() {
        BodyTemplate t = new BodyTemplate("{\"m\": \"{{message}}\", \"e\": \"{{ event }}\", \"x\": \"{{mapping}}\"}");
        assertEquals("{\"m\": \"a\\\"b\\\\c\\n{{event}}\", \"e\": \"wan_change\", \"x\": \"\"}",
                t.fill(Map.of("message", "a\"b\\c\n{{event}}", "event", "wan_change")));
    }

    private static <T> T assertDoesNotThrow(org.junit.jupiter.api.function.ThrowingSupplier<T> s) {
        return org.junit.jupiter.api.Assertions.assertDoesNotThrow(s);
    }
}
