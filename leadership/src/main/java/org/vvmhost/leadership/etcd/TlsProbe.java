package org.vvmhost.leadership.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.leadership.LeadershipException;
import org.vvmhost.leadership.LeadershipUnavailableException;

/**
 * Tells why etcd's TLS certificate is not trusted, where gRPC only reports "Network closed for unknown reason": it
 * shakes hands with the endpoint itself, trusting what the client trusts (the CA file, or the JVM's trust store), and
 * checks the certificate as gRPC does, its chain and then the host name. Retrying cannot fix an untrusted certificate,
 * so it turns an "unavailable" into an access refusal that names the certificate's subject and the reason.
 */
final class TlsProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private TlsProbe() {
    }

    /**
     * {@code failure} itself, or, if it is an unavailability or a failed handshake of https endpoints and their
     * certificate is not trusted, an access refusal that says whose certificate and why.
     */
    static LeadershipException explain(LeadershipException failure, List<URI> endpoints, Optional<Path> caFile) {
        boolean handshake = failure instanceof LeadershipAccessException && EtcdErrors.hasSslCause(failure);
        if (!(failure instanceof LeadershipUnavailableException) && !handshake) {
            return failure;
        }
        for (URI endpoint : endpoints) {
            if ("https".equals(endpoint.getScheme())) {
                Optional<String> untrusted = untrusted(endpoint, caFile);
                if (untrusted.isPresent()) {
                    return new LeadershipAccessException(untrusted.get(), failure);
                }
            }
        }
        return failure;
    }

    /** Why the certificate that {@code endpoint} presents is not trusted, if it is not and the endpoint answers. */
    static Optional<String> untrusted(URI endpoint, Optional<Path> caFile) {
        Recording trust;
        SSLContext context;
        try {
            trust = new Recording(trustManager(caFile));
            context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
        } catch (GeneralSecurityException | IOException e) {
            return Optional.empty(); // the client fails on the same material, with its own message
        }
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), (int) TIMEOUT.toMillis());
            plain.setSoTimeout((int) TIMEOUT.toMillis());
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                    .createSocket(plain, endpoint.getHost(), endpoint.getPort(), false)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
            }
        } catch (IOException e) {
            // A refusal of the certificate shows in what the trust manager recorded; anything else is not ours.
        }
        CertificateException refusal = trust.refusal.get();
        if (refusal == null) {
            return Optional.empty();
        }
        X509Certificate[] chain = trust.chain.get();
        String subject = chain == null || chain.length == 0 ? "unknown"
                : chain[0].getSubjectX500Principal().getName();
        return Optional.of("TLS: etcd's certificate at " + endpoint + " (subject " + subject + ") is not trusted: "
                + reason(refusal, endpoint.getHost()));
    }

    private static String reason(CertificateException refusal, String host) {
        for (Throwable t = refusal; t != null; t = t.getCause()) {
            if (t instanceof CertPathBuilderException) {
                return "unknown issuer (no CA this replica trusts signed it)";
            }
            if (t instanceof CertificateExpiredException) {
                return "expired";
            }
            if (t instanceof CertificateNotYetValidException) {
                return "not yet valid";
            }
        }
        String message = String.valueOf(refusal.getMessage());
        if (message.contains("No subject alternative") || message.contains("No name matching")) {
            return "hostname mismatch (it is not issued for " + host + ")";
        }
        if (message.contains("certification path")) {
            return "unknown issuer (no CA this replica trusts signed it)";
        }
        return message;
    }

    private static X509ExtendedTrustManager trustManager(Optional<Path> caFile)
            throws GeneralSecurityException, IOException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (caFile.isEmpty()) {
            factory.init((KeyStore) null);
        } else {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (InputStream pem = Files.newInputStream(caFile.get())) {
                int i = 0;
                for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
                    store.setCertificateEntry("ca-" + i++, certificate);
                }
            }
            factory.init(store);
        }
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /** One check of a trust manager. */
    private interface Check {
        void run() throws CertificateException;
    }

    /** Delegates every check, and keeps the server's chain and the first refusal. */
    private static final class Recording extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        final AtomicReference<X509Certificate[]> chain = new AtomicReference<>();
        final AtomicReference<CertificateException> refusal = new AtomicReference<>();

        Recording(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certificates, String authType, Socket socket)
                throws CertificateException {
            record(certificates, () -> delegate.checkServerTrusted(certificates, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
                throws CertificateException {
            record(certificates, () -> delegate.checkServerTrusted(certificates, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
            record(certificates, () -> delegate.checkServerTrusted(certificates, authType));
        }

        private void record(X509Certificate[] certificates, Check check) throws CertificateException {
            chain.set(certificates);
            try {
                check.run();
            } catch (CertificateException e) {
                refusal.compareAndSet(null, e);
                throw e;
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certificates, String authType, Socket socket)
                throws CertificateException {
            delegate.checkClientTrusted(certificates, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkClientTrusted(certificates, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
            delegate.checkClientTrusted(certificates, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
