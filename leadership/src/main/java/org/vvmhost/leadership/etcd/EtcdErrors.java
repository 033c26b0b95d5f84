package org.vvmhost.leadership.etcd;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.leadership.LeadershipException;
import org.vvmhost.leadership.LeadershipUnavailableException;

/** Translates jetcd and gRPC failures into leadership exceptions, at the boundary. */
final class EtcdErrors {

    private EtcdErrors() {
    }

    /**
     * The domain exception for a failed etcd call. Access problems (credentials, permissions, TLS) are fatal;
     * everything else may pass with time and counts as unavailability.
     */
    static LeadershipException translate(String action, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof LeadershipException known) {
            return known;
        }
        if (cause instanceof TimeoutException) {
            return new LeadershipUnavailableException(action + ": etcd did not answer in time", cause);
        }
        if (hasSslCause(cause)) {
            return new LeadershipAccessException(action + ": TLS handshake with etcd failed ("
                    + rootMessage(cause) + "); check the CA file, client certificate and key", cause);
        }
        ErrorCode code = code(cause);
        String detail = describe(cause);
        if (isNoSpace(cause)) {
            return new LeadershipUnavailableException(action + ": etcd is out of space (" + detail + ")", cause);
        }
        if (detail.contains("authentication is not enabled")) {
            return new LeadershipAccessException(action + ": etcd has authentication disabled, but a user and "
                    + "password were given (" + detail + ")", cause);
        }
        switch (code) {
            case UNAUTHENTICATED:
                return new LeadershipAccessException(action + ": etcd refused the credentials (" + detail
                        + "); check the etcd user and password", cause);
            case PERMISSION_DENIED:
                return new LeadershipAccessException(action + ": etcd denied permission (" + detail
                        + "); grant the etcd user read/write on the election's keys", cause);
            case INVALID_ARGUMENT:
            case FAILED_PRECONDITION:
                if (detail.contains("authentication failed") || detail.contains("user name")
                        || detail.contains("invalid auth")) {
                    return new LeadershipAccessException(action + ": etcd refused the credentials (" + detail
                            + "); check the etcd user and password", cause);
                }
                return new LeadershipException(action + ": etcd rejected the request (" + detail + ")", cause);
            default:
                return new LeadershipUnavailableException(action + ": etcd unavailable (" + detail + ")", cause);
        }
    }

    /** True if the failure says the lease no longer exists on the server. */
    static boolean isLeaseGone(Throwable failure) {
        Throwable cause = unwrap(failure);
        return code(cause) == ErrorCode.NOT_FOUND;
    }

    /** True if etcd refused the request because its database is full: its NOSPACE alarm. */
    static boolean isNoSpace(Throwable failure) {
        // By its message: a client-side "message too large" has the same gRPC code, RESOURCE_EXHAUSTED.
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("database space exceeded")) {
                return true;
            }
        }
        return false;
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static ErrorCode code(Throwable cause) {
        if (cause instanceof EtcdException etcd) {
            return etcd.getErrorCode();
        }
        if (cause instanceof CancellationException) {
            return ErrorCode.CANCELLED;
        }
        return ErrorCode.valueOf(Status.fromThrowable(cause).getCode().name());
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            message = cause.getClass().getSimpleName();
        }
        String root = rootMessage(cause);
        return root.equals(message) || message.contains(root) ? message : message + ": " + root;
    }

    static String rootMessage(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    static boolean hasSslCause(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }
}
