package org.vvmhost.host;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.util.StatusPrinter2;
import java.net.URL;
import org.slf4j.LoggerFactory;

/** Configures logback once the options are parsed, from the resource of the chosen {@link LogFormat}. */
final class LogConfiguration {

    private LogConfiguration() {
    }

    static void apply(LogFormat format) {
        URL config = LogConfiguration.class.getClassLoader().getResource(format.configResource());
        if (config == null) {
            throw new IllegalStateException("logging configuration " + format.configResource() + " is missing");
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
    }
}
