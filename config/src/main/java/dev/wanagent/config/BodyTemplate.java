package dev.wanagent.config;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A notification body with placeholders {@code {{event}}}, {@code {{message}}}, {@code {{address}}},
 * {@code {{family}}}, {@code {{mapping}}}, {@code {{provider}}}, {@code {{time}}}. Each value is JSON-escaped
 * (without quotes: write {@code "{{message}}"}), and filled in one pass, so a value that holds a placeholder's text
 * stays as it is.
 */
public record BodyTemplate(String text) {
    /** The fields of an event, as placeholders. */
    public static final List<String> FIELDS = List.of("event", "message", "address", "family", "mapping", "provider",
            "time");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_]*)\\s*}}");

    /** The placeholder names the text uses, in order of first use. */
    public Set<String> names() {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    /** The text with each placeholder replaced by its JSON-escaped value ("" for a field the event lacks). */
    public String fill(Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder b = new StringBuilder(text.length() + 64);
        while (m.find()) {
            String value = values.getOrDefault(m.group(1), "");
            m.appendReplacement(b, Matcher.quoteReplacement(new String(JsonStringEncoder.getInstance()
                    .quoteAsString(value))));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** {@code "text"} as a JSON string literal, for fixed values a preset puts into its template. */
    static String jsonString(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }
}
