package org.vvmhost.host;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.vvm.Causes;
import org.vvmhost.vvm.VvmProblem;

/** The exit codes of {@code vvmhost}; README.md documents the same table. */
public enum ExitCode {
    GRACEFUL(0, "graceful shutdown (SIGTERM or SIGINT)"),
    INTERNAL_ERROR(1, "internal error"),
    USAGE(2, "usage error: a bad option or value, or a failed preflight check (nothing campaigned)"),
    STARTUP_FAILED(3, "startup failure: leadership not acquired (acquire timeout or campaign failure)"),
    LEADERSHIP_LOST(4, "leadership lost"),
    SERVICE_FAILED(5, "a service failed to start or failed while running"),
    ACCESS_DENIED(6, "the leadership backend refused access (credentials, permissions or TLS)"),
    HTTP_UNAVAILABLE(7, "the HTTP API, or a simulator's gRPC server, could not listen (the port is in use, or the "
            + "address is not this machine's)"),
    SWITCHOVER_REFUSED(8, "a switchover was refused (no leader, no standby, an unknown or unready target): nothing "
            + "changed"),
    REGISTRATION_LOST(9, "a simulator's registration in etcd was lost (its lease expired or was revoked): its grants "
            + "went with it, and a restart registers it anew");

    private final int code;
    private final String description;

    ExitCode(int code, String description) {
        this.code = code;
        this.description = description;
    }

    public int code() {
        return code;
    }

    public String description() {
        return description;
    }

    /** The exit code for how a VVM ended: its problem, if any. */
    public static ExitCode of(Optional<VvmProblem> problem) {
        return problem.map(ExitCode::of).orElse(GRACEFUL);
    }

    static ExitCode of(VvmProblem problem) {
        // A refusal is a configuration error whatever stage met it, so it wins over the kind.
        if (Causes.find(problem, LeadershipAccessException.class).isPresent()) {
            return ACCESS_DENIED;
        }
        switch (problem.kind()) {
            case ACQUISITION_FAILED:
                return STARTUP_FAILED;
            case LEADERSHIP_LOST:
                return LEADERSHIP_LOST;
            case SERVICE_FAILED:
                return SERVICE_FAILED;
            default:
                throw new IllegalArgumentException("no exit code for problem kind " + problem.kind());
        }
    }

    /** The table for the usage help: code → description. */
    static Map<String, String> usageHelpTable() {
        Map<String, String> table = new LinkedHashMap<>();
        for (ExitCode exitCode : values()) {
            table.put(Integer.toString(exitCode.code), exitCode.description);
        }
        return table;
    }
}
