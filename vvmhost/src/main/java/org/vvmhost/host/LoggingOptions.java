package org.vvmhost.host;

import picocli.CommandLine.Option;

/** Logging options, shared by every command that runs something. */
final class LoggingOptions {

    @Option(names = "--log-format", paramLabel = "<format>", defaultValue = "text",
            description = "Log format: text or json (one JSON object per line). Default: ${DEFAULT-VALUE}. "
                    + "Env: VVM_LOG_FORMAT.")
    private LogFormat format;

    LogFormat format() {
        return format;
    }
}
