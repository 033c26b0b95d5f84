package org.vvmhost.host;

import org.vvmhost.leadership.LeadershipAccessException;

/** How a refused access is reported: in one line, with etcd's reason and the options that fix it. */
final class AccessErrors {

    /** How the leadership module begins a certificate this replica does not trust. */
    private static final String UNTRUSTED = "TLS: etcd's certificate";

    private AccessErrors() {
    }

    static String describe(LeadershipAccessException refusal) {
        String reason = refusal.getMessage();
        if (reason.startsWith(UNTRUSTED)) {
            // Not a refusal by etcd: this replica does not trust etcd's certificate.
            return reason.substring("TLS: ".length()) + ". To fix: " + (reason.contains("hostname mismatch")
                    ? "give --etcd-endpoints a host name or address the certificate is issued for, or have it "
                            + "reissued for this one (--etcd-ca-file cannot fix a name)"
                    : "give the CA that signed it with --etcd-ca-file <pem> (VVM_ETCD_CA_FILE)");
        }
        return "etcd refused access: " + reason + ". To fix: " + fix(reason);
    }

    /** The leadership module's messages say which kind of refusal it was. */
    private static String fix(String reason) {
        if (reason.contains("authentication disabled")) {
            return "drop --etcd-user and the password (--etcd-password, --etcd-password-file, VVM_ETCD_USER, "
                    + "VVM_ETCD_PASSWORD), or enable authentication on etcd";
        }
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
