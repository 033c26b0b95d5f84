package org.vvmhost.host;

import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** A command failed with an exception nobody expected: log it with its stack trace, and exit 1. */
final class InternalErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception error, CommandLine command, ParseResult parseResult) {
        LoggerFactory.getLogger(InternalErrorHandler.class)
                .error("{} failed: {}", command.getCommandSpec().qualifiedName(), error.getMessage(), error);
        return ExitCode.INTERNAL_ERROR.code();
    }
}
