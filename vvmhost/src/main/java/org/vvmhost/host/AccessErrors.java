package org.vvmhost.host;

import org.vvmhost.leadership.LeadershipAccessException;

/** How a refused access is reported: in one line, with etcd's reason and the options that fix it. */
final class AccessErrors {

    private AccessErrors() {
    }

    static String describe(LeadershipAccessException refusal) {
        String reason = refusal.getMessage();
        return "etcd refused access: " + reason + ". To fix: " + fix(reason);
    }

    /** The leadership module's messages say which kind of refusal it was. */
    private static String fix(String reason) {
        if (reason.contains("credentials")) {
            return "give the right --etcd-user and password (--etcd-password, --etcd-password-file, or "
                    + "VVM_ETCD_USER and VVM_ETCD_PASSWORD)";
        }
        if (reason.contains("permission")) {
            return "grant the etcd user given by --etcd-user read and write on the election's keys, or give "
                    + "another --etcd-user";
        }
        if (reason.contains("TLS")) {
            return "check --etcd-ca-file, --etcd-cert-file and --etcd-key-file, and that the endpoints are the "
                    + "server's https:// URLs";
        }
        return "check --etcd-user and --etcd-password, and --etcd-ca-file, --etcd-cert-file and --etcd-key-file";
    }
}
