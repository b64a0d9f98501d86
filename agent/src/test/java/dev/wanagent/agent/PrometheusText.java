package dev.wanagent.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, for tests: every line must be a HELP, a TYPE or a sample of
 * the family its TYPE declared (counter samples end in {@code _total}; histogram samples are {@code _bucket} with
 * {@code le}, {@code _sum}, {@code _count}), names and label names valid, label values escaped, values numbers. Fails
 * with the line on anything else.
 */
public final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME.pattern() + ") ((?:[^\\\\\\n]|\\\\[\\\\n])*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME.pattern() + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME.pattern() + ")(?:\\{(.*)})? (\\S+)(?: (-?\\d+))?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");

    /** One sample: its name, labels (unescaped) and value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** A family: its TYPE and its samples. */
    public record Family(String name, String type, String help, List<Sample> samples) {
    }

    private PrometheusText() {
    }

    public static Map<String, Family> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) throw new AssertionError("the exposition does not end with \\n");
        Map<String, Family> families = new LinkedHashMap<>();
        Map<String, String> help = new HashMap<>();
        Family current = null;
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) continue;
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                if (help.put(m.group(1), m.group(2)) != null) throw new AssertionError("HELP twice: " + line);
            } else if ((m = TYPE.matcher(line)).matches()) {
                if (families.containsKey(m.group(1))) throw new AssertionError("TYPE twice: " + line);
                current = new Family(m.group(1), m.group(2), help.get(m.group(1)), new ArrayList<>());
                families.put(current.name(), current);
            } else if (line.startsWith("#")) {
                throw new AssertionError("a comment that is neither HELP nor TYPE: " + line);
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                if (current == null) throw new AssertionError("a sample before any TYPE: " + line);
                String name = m.group(1);
                if (!belongs(name, current)) {
                    throw new AssertionError(name + " is not a sample of the " + current.type() + " " + current.name());
                }
                Map<String, String> labels = labels(m.group(2) == null ? "" : m.group(2), line);
                if (current.type().equals("histogram") && name.endsWith("_bucket") && !labels.containsKey("le")) {
                    throw new AssertionError("a bucket without le: " + line);
                }
                double value = number(m.group(3), line);
                current.samples().add(new Sample(name, labels, value));
            } else {
                throw new AssertionError("not a line of the text format: " + line);
            }
        }
        for (Family f : families.values()) {
            if (f.help() == null) throw new AssertionError("no HELP for " + f.name());
            if (f.type().equals("histogram")) checkHistogram(f);
        }
        return families;
    }

    private static boolean belongs(String sample, Family f) {
        return switch (f.type()) {
            case "counter" -> sample.equals(f.name()) && sample.endsWith("_total");
            case "histogram" -> Set.of(f.name() + "_bucket", f.name() + "_sum", f.name() + "_count").contains(sample);
            default -> sample.equals(f.name());
        };
    }

    private static Map<String, String> labels(String text, String line) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = LABEL.matcher(text);
        int at = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) throw new AssertionError("bad labels: " + line);
            String value = m.group(2).replace("\\\\", "\u0000").replace("\\\"", "\"").replace("\\n", "\n")
                    .replace("\u0000", "\\");
            if (out.put(m.group(1), value) != null) throw new AssertionError("label twice: " + line);
            at = m.end();
        }
        return out;
    }

    private static double number(String text, String line) {
        switch (text) {
            case "+Inf": return Double.POSITIVE_INFINITY;
            case "-Inf": return Double.NEGATIVE_INFINITY;
            case "NaN": return Double.NaN;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new AssertionError("not a number: " + line);
                }
        }
    }

    /** Buckets rising in le and count, ending at +Inf, whose count is _count. */
    private static void checkHistogram(Family f) {
        double lastLe = Double.NEGATIVE_INFINITY;
        double lastCount = 0;
        Double inf = null;
        Double count = null;
        for (Sample s : f.samples()) {
            if (s.name().endsWith("_bucket")) {
                double le = number(s.labels().get("le"), s.toString());
                if (le <= lastLe || s.value() < lastCount) throw new AssertionError("buckets out of order: " + s);
                lastLe = le;
                lastCount = s.value();
                if (le == Double.POSITIVE_INFINITY) inf = s.value();
            } else if (s.name().endsWith("_count")) {
                count = s.value();
            }
        }
        if (inf == null || !inf.equals(count)) throw new AssertionError(f.name() + ": +Inf bucket " + inf + " but count "
                + count);
    }

    /** The value of the sample {@code name} with exactly these labels; fails when there is none. */
    public static double value(Map<String, Family> families, String name, Map<String, String> labels) {
        for (Family f : families.values()) {
            for (Sample s : f.samples()) {
                if (s.name().equals(name) && s.labels().equals(labels)) return s.value();
            }
        }
        throw new AssertionError("no sample " + name + labels + " in " + families.keySet());
    }
}
