package org.vvmhost.host;

/** The HTTP API could not listen: the message says on what, and what to change. */
final class HttpApiUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    HttpApiUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
