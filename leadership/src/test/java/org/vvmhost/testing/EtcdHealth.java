package org.vvmhost.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Waits until an etcd server reports itself healthy on {@code /health}. */
final class EtcdHealth {

    private EtcdHealth() {
    }

    static void awaitHealthy(EtcdServer server, BooleanSupplier alive) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.healthEndpoint() + "/health"))
                .timeout(Duration.ofSeconds(1))
                .build();
        try {
            Awaitility.await("etcd healthy at " + server.endpoint())
                    .atMost(TestTiming.current().startBudget())
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        if (!alive.getAsBoolean()) {
                            throw new IllegalStateException("etcd exited while starting:\n" + server.logTail());
                        }
                        return healthy(http, request);
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("etcd did not become healthy within "
                    + TestTiming.current().startBudget() + ":\n" + server.logTail(), e);
        }
    }

    private static boolean healthy(HttpClient http, HttpRequest request) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        }
    }
}
