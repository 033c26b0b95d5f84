# syntax=docker/dockerfile:1
# The vvmhost image: `docker build -t vvmhost .` then `docker run --rm vvmhost` (the embedded default), or pass
# run options and VVM_* variables. The end-to-end tests launch this ENTRYPOINT and CMD, with the jar's path
# substituted, so the image's command line is one the tests run.

# etcd for `vvmhost drill`, whose local target runs a 3-member etcd cluster on loopback: the static binary of
# etcd's own image, pinned to the version the tests run against.
FROM quay.io/coreos/etcd:v3.4.23 AS etcd

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 mvn -B clean package -DskipTests

FROM eclipse-temurin:17-jre
# A fixed numeric uid, so that Kubernetes' runAsNonRoot can verify it.
RUN groupadd --system --gid 10001 vvmhost \
 && useradd --system --uid 10001 --gid vvmhost --no-create-home --shell /usr/sbin/nologin vvmhost
WORKDIR /app
COPY --from=build /src/vvmhost/target/vvmhost.jar /app/vvmhost.jar
COPY --from=etcd /usr/local/bin/etcd /usr/local/bin/etcd
USER 10001:10001
# The HTTP API: probes, status, metrics (VVM_HTTP_PORT, default 8080).
EXPOSE 8080
# The runtime image has no curl: `vvmhost probe` asks /livez on loopback with the JDK's own HTTP client, honouring
# VVM_HTTP_PORT (and VVM_HTTP_TLS_CERT_FILE for HTTPS). A small, short-lived JVM: it exits 0 on 200, else 1.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m", "-jar", "/app/vvmhost.jar", "probe"]
# Exec form: java is PID 1 and gets SIGTERM itself; vvmhost shuts down gracefully and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/vvmhost.jar"]
CMD ["run"]
