package org.vvmhost.host.drill;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.vvmhost.time.Clock;

/**
 * A 3-member etcd cluster of the {@code etcd} binary on loopback ports, each member with its data directory and log
 * under the drill's work directory. Its Raft timing is etcd's tuning guide's for a fast network (heartbeat 50 ms,
 * election timeout 500 ms): etcd renews no lease while it elects a leader, which takes up to twice the election
 * timeout, and with etcd's default of 1 s a lease of a few seconds could lapse at every etcd leader change. It keeps
 * its history (no auto-compaction), so that the audit can read all of it. Members can be killed, frozen, resumed and
 * started again on their data; the member that leads Raft is found through etcd's status API.
 */
final class LocalEtcdCluster implements AutoCloseable {

    static final int SIZE = 3;
    static final List<String> RAFT_TIMING = List.of("--heartbeat-interval", "50", "--election-timeout", "500");
    private static final Duration STATUS_TIMEOUT = Duration.ofMillis(500);

    /** One member: its name, ports and process. */
    private static final class Member {
        final String name;
        final int clientPort;
        final int peerPort;
        Process process;

        Member(String name, int clientPort, int peerPort) {
            this.name = name;
            this.clientPort = clientPort;
            this.peerPort = peerPort;
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + clientPort);
        }

        String peerUrl() {
            return "http://127.0.0.1:" + peerPort;
        }

        boolean running() {
            return process != null && process.isAlive();
        }
    }

    private final Path binary;
    private final Path workDir;
    private final Path logDir;
    private final Clock clock;
    private final Duration budget;
    private final List<Member> members = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private Client admin;

    private LocalEtcdCluster(Path binary, Path workDir, Path logDir, Clock clock, Duration budget) {
        this.binary = binary;
        this.workDir = workDir;
        this.logDir = logDir;
        this.clock = clock;
        this.budget = budget;
    }

    /** Starts the cluster and returns once every member is healthy (within {@code budget}). */
    static LocalEtcdCluster start(Path binary, Path workDir, Path logDir, Clock clock, Duration budget)
            throws InterruptedException {
        LocalEtcdCluster cluster = new LocalEtcdCluster(binary, workDir, logDir, clock, budget);
        try {
            for (int i = 0; i < SIZE; i++) {
                cluster.members.add(new Member("etcd-" + i, Ports.free(), Ports.free()));
            }
            for (int i = 0; i < SIZE; i++) {
                cluster.launch(i);
            }
            for (int i = 0; i < SIZE; i++) {
                cluster.awaitHealthy(i);
            }
            cluster.admin = Client.builder().endpoints(cluster.endpoints().toArray(URI[]::new)).build();
            return cluster;
        } catch (RuntimeException | InterruptedException e) {
            cluster.close();
            throw e;
        }
    }

    List<URI> endpoints() {
        return members.stream().map(Member::endpoint).toList();
    }

    String memberName(int index) {
        return members.get(index).name;
    }

    /** A client of every member, for the drill's own reads; the cluster closes it. */
    Client client() {
        return admin;
    }

    /**
     * The index of the member that leads Raft, as the running members that answer within a short bound agree;
     * empty while they do not (an election is under way, or too few answer).
     */
    OptionalInt raftLeader() throws InterruptedException {
        long leaderId = 0;
        List<Long> ids = new ArrayList<>();
        for (Member member : members) {
            if (!member.running()) {
                ids.add(-1L);
                continue;
            }
            try {
                StatusResponse status = admin.getMaintenanceClient().statusMember(member.endpoint().getAuthority())
                        .get(STATUS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                ids.add(status.getHeader().getMemberId());
                if (leaderId != 0 && leaderId != status.getLeader()) {
                    return OptionalInt.empty();
                }
                leaderId = status.getLeader();
            } catch (ExecutionException | TimeoutException e) {
                ids.add(-1L);
            }
        }
        return leaderId == 0 ? OptionalInt.empty() : OptionalInt.of(ids.indexOf(leaderId));
    }

    /** Waits until the members agree on a Raft leader, and returns its index. */
    int awaitRaftLeader() throws InterruptedException {
        long deadline = clock.nanoTime() + budget.toNanos();
        while (clock.nanoTime() < deadline) {
            OptionalInt leader = raftLeader();
            if (leader.isPresent() && leader.getAsInt() >= 0) {
                return leader.getAsInt();
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new IllegalStateException("etcd's members did not agree on a Raft leader within " + budget);
    }

    /** SIGKILL of one member; its data stays. */
    void kill(int index) throws InterruptedException {
        Member member = members.get(index);
        if (member.running()) {
            member.process.destroyForcibly();
            member.process.waitFor(budget.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** SIGSTOP of one member: it holds its connections and answers nothing. */
    void pause(int index) {
        Signals.send(Signal.STOP, members.get(index).process.pid());
    }

    void resume(int index) {
        Signals.send(Signal.CONT, members.get(index).process.pid());
    }

    /** Starts a stopped member again on its data and waits until it is healthy. */
    void restart(int index) throws InterruptedException {
        launch(index);
        awaitHealthy(index);
    }

    /** Stops every member (SIGTERM, each awaited), then starts them all on their data, and waits until healthy. */
    void restartAll() throws InterruptedException {
        for (Member member : members) {
            if (member.running()) {
                member.process.destroy();
            }
        }
        for (Member member : members) {
            if (member.process != null && !member.process.waitFor(budget.toMillis(), TimeUnit.MILLISECONDS)) {
                member.process.destroyForcibly().waitFor();
            }
        }
        for (int i = 0; i < SIZE; i++) {
            launch(i);
        }
        for (int i = 0; i < SIZE; i++) {
            awaitHealthy(i);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (admin != null) {
            admin.close();
        }
        for (Member member : members) {
            if (member.running()) {
                Signals.sendQuietly(Signal.CONT, member.process.pid());
                member.process.destroyForcibly();
                member.process.waitFor(budget.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void launch(int index) {
        Member member = members.get(index);
        Path data = workDir.resolve(member.name);
        String client = member.endpoint().toString();
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--name", member.name,
                "--data-dir", data.toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", member.peerUrl(), "--initial-advertise-peer-urls", member.peerUrl(),
                "--initial-cluster", members.stream().map(m -> m.name + "=" + m.peerUrl())
                        .collect(Collectors.joining(",")),
                "--initial-cluster-state", "new",
                "--initial-cluster-token", "vvmhost-drill-" + members.get(0).clientPort));
        command.addAll(RAFT_TIMING);
        try {
            member.process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(member.name + ".log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
    }

    private void awaitHealthy(int index) throws InterruptedException {
        Member member = members.get(index);
        HttpRequest health = HttpRequest.newBuilder(member.endpoint().resolve("/health"))
                .timeout(Duration.ofSeconds(1)).build();
        long deadline = clock.nanoTime() + budget.toNanos();
        while (clock.nanoTime() < deadline) {
            if (!member.running()) {
                throw new IllegalStateException("etcd member " + member.name + " exited with "
                        + member.process.exitValue() + "; see " + logDir.resolve(member.name + ".log"));
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.ofString()).body().contains("\"true\"")) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new IllegalStateException("etcd member " + member.name + " was not healthy within " + budget + "; see "
                + logDir.resolve(member.name + ".log"));
    }
}
