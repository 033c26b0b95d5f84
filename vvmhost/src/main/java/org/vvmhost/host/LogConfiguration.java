package org.vvmhost.host;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.util.StatusPrinter2;
import java.net.URL;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Configures logback once the options are parsed: from the resource of the chosen {@link LogFormat}, or quiet. */
final class LogConfiguration {

    private LogConfiguration() {
    }

    static void apply(LogFormat format) {
        apply(format.configResource());
    }

    /** Warnings only, on standard error: for commands whose standard output is their result. */
    static void applyQuiet() {
        apply("logback-quiet.xml");
    }

    private static void apply(String resource) {
        URL config = LogConfiguration.class.getClassLoader().getResource(resource);
        if (config == null) {
            throw new IllegalStateException("logging configuration " + resource + " is missing");
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot configure logging from " + config, e);
        } finally {
            new StatusPrinter2().printInCaseOfErrorsOrWarnings(context);
        }
        // gRPC logs through java.util.logging, whose console handler would write plain lines to stderr.
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
