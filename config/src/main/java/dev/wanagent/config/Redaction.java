package dev.wanagent.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one policy for config text inside error messages. A value is echoed only when it cannot be a secret:
 * {@link ConfigNode} never echoes values that came from {@code ${...}} or belong to a key named like a credential,
 * and {@link #quote} masks what still might be one (URL userinfo and query, credential-shaped words), escapes
 * control characters and shortens long text, so a message is always one readable line.
 */
final class Redaction {
    static final String MASK = "****";
    private static final int MAX_SHOWN = 80;
    private static final int MAX_PLAIN = 256;
    private static final Pattern WORD = Pattern.compile("[^\\s/?#&=:@.,;'\"()\\[\\]{}<>]+");
    private static final Pattern NUMBER_WITH_UNIT = Pattern.compile("\\d+[A-Za-z]{1,3}");
    private static final Pattern SECRET_KEY = Pattern.compile(
            ".*(password|passwd|passphrase|secret|token|credential|community|authorization|apikey|accesskey"
                    + "|privatekey|cookie|signature).*|key|pw|pwd|pass");

    private Redaction() {
    }

    /** A key whose name says it holds a credential (password, tsigSecret, apiToken, X-Api-Key, community, ...). */
    static boolean secretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return SECRET_KEY.matcher(k).matches();
    }

    /** {@code value} in double quotes, with whatever might be a credential masked as {@value #MASK}. */
    static String quote(String value) {
        return "\"" + printable(shorten(maskWords(maskUrl(value)), MAX_SHOWN)) + "\"";
    }

    /** A key for a key path: as written when plain, otherwise quoted and escaped (keys are not masked). */
    static String key(String key) {
        if (!key.isEmpty() && key.length() <= 64 && key.chars().allMatch(c -> c > ' ' && c < 127
                && c != '"' && c != '.' && c != '[' && c != ']' && c != '\\')) {
            return key;
        }
        return "\"" + printable(shorten(key, MAX_SHOWN)) + "\"";
    }

    /** Text for a message that is not a value (a file name, an anchor): escaped and shortened, not masked. */
    static String plain(String text) {
        return printable(shorten(text, MAX_PLAIN));
    }

    /** {@code scheme://user:password@host/...?query}: userinfo and query masked. Also {@code user:password@host}. */
    private static String maskUrl(String value) {
        int scheme = value.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int at = value.lastIndexOf('@');
        String v = value;
        if (at > start && (scheme >= 0 || value.lastIndexOf(':', at) >= start)) {
            v = value.substring(0, start) + MASK + value.substring(at);
        }
        if (scheme >= 0) {
            int query = v.indexOf('?', start);
            if (query >= 0 && query < v.length() - 1) v = v.substring(0, query + 1) + MASK;
        }
        return v;
    }

    private static String maskWords(String value) {
        Matcher m = WORD.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, looksLikeCredential(m.group()) ? MASK : Matcher.quoteReplacement(m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * A word shaped like a password or token: 8+ characters mixing three of lower case, upper case, digits and
     * symbols ({@code S3cretValue}, {@code s3cret-Pw!}), or 16+ characters mixing letters and digits (hex keys,
     * UUIDs, base64) other than a number with a unit ({@code 100000000000000d}).
     */
    static boolean looksLikeCredential(String word) {
        int lower = 0;
        int upper = 0;
        int digit = 0;
        int other = 0;
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (Character.isLowerCase(c)) lower = 1;
            else if (Character.isUpperCase(c)) upper = 1;
            else if (Character.isDigit(c)) digit = 1;
            else if (c != '-' && c != '_') other = 1; // host-01, my_name: ordinary words
        }
        if (word.length() >= 8 && lower + upper + digit + other >= 3) return true;
        return word.length() >= 16 && digit == 1 && lower + upper > 0 && !NUMBER_WITH_UNIT.matcher(word).matches();
    }

    private static String shorten(String text, int max) {
        if (text.length() <= max) return text;
        int points = text.codePointCount(0, text.length());
        if (points <= max) return text;
        return text.substring(0, text.offsetByCodePoints(0, max - 20)) + "… (" + points + " characters)";
    }

    /** Control, format (bidi), unpaired surrogate and unassigned characters as {@code \n}, {@code \}{@code u202e}. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    int type = Character.getType(c);
                    if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.SURROGATE
                            || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
                            || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                        if (c > 0xFFFF) out.append(String.format("\\u{%x}", c));
                        else out.append(String.format("\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }
}
