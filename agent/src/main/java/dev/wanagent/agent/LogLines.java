package dev.wanagent.agent;

import java.io.PrintStream;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The agent's log: the SLF4J backend that turns every logger call into one line on {@code System.err} (which
 * {@link Main} makes a {@link Printer}, so a log line is printed like every other line a user sees):
 * {@code 2026-11-26T04:45:12.858Z [INFO] WanMonitor - pass: router event: ExternalIPAddress 11.22.33.44}, the time
 * in UTC, then the level, the logger's short name and the message; a throwable follows as its stack trace. It
 * replaces slf4j-simple, whose timestamp needs a {@code SimpleDateFormat} and with it the locale data of the JDK
 * (1.3 MB of the agent's settled memory, README "Footprint").
 */
public final class LogLines implements SLF4JServiceProvider, ILoggerFactory {
    private static volatile Level threshold = Level.INFO;

    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** Lines of this level and more severe ones are printed (INFO until {@link Main} sets it). */
    static void threshold(Level level) {
        threshold = level;
    }

    /** {@code epochMillis} as the log prints it: ISO-8601 in UTC with milliseconds, always 24 characters. */
    static String timestamp(long epochMillis) {
        String t = Instant.ofEpochMilli(epochMillis).toString(); // a whole second is printed without a fraction
        return Math.floorMod(epochMillis, 1000L) == 0 ? t.substring(0, t.length() - 1) + ".000Z" : t;
    }

    /** One log line, without its line break. */
    static String line(long epochMillis, Level level, String loggerName, String message) {
        return timestamp(epochMillis) + " [" + level + "] " + loggerName.substring(loggerName.lastIndexOf('.') + 1)
                + " - " + message;
    }

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, Line::new);
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return this;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up: every line goes to the System.err of the moment
    }

    /** A named logger; the threshold is read at each call, so {@link #threshold(Level)} applies to every logger. */
    private static final class Line extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;

        Line(String name) {
            this.name = name;
        }

        private static boolean enabled(Level level) {
            return level.toInt() >= threshold.toInt();
        }

        @Override
        public boolean isTraceEnabled() {
            return enabled(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return enabled(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return enabled(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return enabled(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return enabled(Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern,
                Object[] arguments, Throwable throwable) {
            String text = line(System.currentTimeMillis(), level, name,
                    MessageFormatter.basicArrayFormat(messagePattern, arguments));
            PrintStream err = System.err;
            synchronized (err) { // the line and its stack trace together
                err.println(text);
                if (throwable != null) throwable.printStackTrace(err);
            }
        }
    }
}
