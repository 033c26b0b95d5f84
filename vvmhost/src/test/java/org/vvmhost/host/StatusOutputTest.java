package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.leadership.etcd.ElectionStatus;
import org.vvmhost.leadership.etcd.EtcdSettings;
import org.vvmhost.leadership.memory.InMemoryElection;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldFactory;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.service.WorldViewLocation;
import org.vvmhost.services.world.view.WorldViewStore;
import org.vvmhost.time.ManualClock;

/** What {@code vvmhost status} prints for a given election status, and how a refusal is explained. */
class StatusOutputTest {

    private static final EtcdSettings ETCD = EtcdSettings.of("http://etcd:2379", "vvmhost", LeaseSettings.defaults());
    private static final Instant STARTED = Instant.parse("2030-01-02T03:04:05Z");
    private static final Instant LEADS = Instant.parse("2030-01-02T03:04:07Z");

    private static final WorldBackup NO_BACKUP = new WorldBackup("file:/var/lib/world", Optional.empty(), List.of());

    private final ElectionStatus.Entry leader = new ElectionStatus.Entry("vvmhost/694d", "node-1-41-ab", "node-1", 41,
            Optional.of(STARTED), Optional.of(LEADS), 17, OptionalLong.of(3));
    private final ElectionStatus.Entry standby = new ElectionStatus.Entry("vvmhost/694e", "node-2-42-cd", "node-2", 42,
            Optional.of(STARTED), Optional.empty(), 19, OptionalLong.empty());

    @Test
    void theTableShowsTheLeaderWithItsTokenAndTheWaitingInLine() {
        String table = StatusCommand.table(ETCD, new ElectionStatus("vvmhost", Optional.of(leader), List.of(standby)),
                NO_BACKUP);

        assertThat(table.lines()).hasSize(6);
        assertThat(table.lines().toList().get(0)).isEqualTo("election 'vvmhost' on etcd [http://etcd:2379]");
        assertThat(table.lines().toList().get(1)).containsPattern("LEADER SINCE +FENCING TOKEN +STARTED");
        assertThat(table.lines().toList().get(2)).startsWith("leader ").contains("node-1-41-ab", "node-1", "41",
                LEADS.toString(), " 3:17 ", "vvmhost/694d");
        assertThat(table.lines().toList().get(3)).startsWith("waiting").contains("node-2-42-cd", "42", "vvmhost/694e")
                .doesNotContain("19");
        assertThat(table.lines().toList().get(4)).isEqualTo("1 waiting");
        assertThat(table.lines().toList().get(5)).isEqualTo("world: no backup (file:/var/lib/world)");
    }

    @Test
    void theWorldsLastBackupShowsItsTickAndHash() throws Exception {
        WorldView.Header header;
        try (World world = WorldFactory.of(ComponentSetRegistry.builtIn(), WorldRuntime.threads(1))
                .create(WorldConfig.defaults().withEntities(100))) {
            world.step();
            world.step();
            world.step();
            header = world.snapshot().header();
        }
        WorldBackup backup = new WorldBackup("the election's data under 'world/'", Optional.of(header),
                List.of("world view generation 4 (tick 400): checksum mismatch"));
        String hash = String.format("%016x", header.worldHash());

        String table = StatusCommand.table(ETCD, new ElectionStatus("vvmhost", Optional.empty(), List.of()), backup);
        assertThat(table.lines().toList().get(2)).isEqualTo("world: last backup at tick 3, hash " + hash
                + ", 100 entities (the election's data under 'world/'); 1 newer unusable: world view generation 4 "
                + "(tick 400): checksum mismatch");

        JsonNode json = new ObjectMapper().readTree(StatusCommand.json(ETCD, new ElectionStatus("vvmhost",
                Optional.of(leader), List.of()), backup));
        assertThat(json.at("/world/lastBackup/tick").asLong()).isEqualTo(3);
        assertThat(json.at("/world/lastBackup/hash").asText()).isEqualTo(hash);
        assertThat(json.at("/world/problems/0").asText()).contains("checksum mismatch");
    }

    @Test
    void aDamagedManifestIsShownWithTheViewFoundWithoutIt() throws Exception {
        ManualClock clock = new ManualClock();
        InMemoryElection election = InMemoryElection.create(clock, LeaseSettings.defaults());
        Leadership leader = election.join(new Candidate("leader", "", 1, STARTED));
        Term term = leader.campaign().elected().get(10, java.util.concurrent.TimeUnit.SECONDS);
        WorldViewLocation location = WorldViewLocation.inElection(Duration.ofSeconds(5));
        WorldView view;
        try (World world = WorldFactory.of(ComponentSetRegistry.builtIn(), WorldRuntime.threads(1))
                .create(WorldConfig.defaults().withEntities(100))) {
            world.step();
            view = world.snapshot();
        }
        WorldViewStore.leadership(leader.data(), term, WorldViewLocation.DEFAULT_PREFIX, WorldViewStore.MAX_CHUNK_BYTES,
                Duration.ofSeconds(5), clock).save(view);
        term.write(List.of(WriteOp.put("world/manifest", "garbage".getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .get(10, java.util.concurrent.TimeUnit.SECONDS);

        WorldBackup backup = WorldBackup.read(location, leader.data(), clock);

        assertThat(backup.line()).startsWith("world: last backup at tick 1, hash " + WorldBackup.hash(view.header())
                + ", 100 entities (the election's data under 'world/'); the manifest is damaged (world view manifest "
                + "world/manifest is not valid JSON: Unrecognized token 'garbage'").endsWith("): this view was found "
                + "without it; the leader's next save writes a new manifest and deletes no view");
        JsonNode json = new ObjectMapper().readTree(StatusCommand.json(ETCD, new ElectionStatus("vvmhost",
                Optional.empty(), List.of()), backup));
        assertThat(json.at("/world/manifestDamage").asText()).startsWith("world view manifest world/manifest is not "
                + "valid JSON");
        leader.close();
    }

    @Test
    void noViewInTheElectionsDataHintsAtTheWorldStore() {
        ManualClock clock = new ManualClock();
        Leadership reader = InMemoryElection.create(clock, LeaseSettings.defaults())
                .join(new Candidate("vvmhost-status", "", 0, STARTED));

        WorldBackup backup = WorldBackup.read(WorldViewLocation.inElection(Duration.ofSeconds(5)), reader.data(),
                clock);

        assertThat(backup.line()).isEqualTo("world: no backup (the election's data under 'world/'); if the replicas "
                + "run with --world-store, give status the same --world-store (env VVM_WORLD_STORE)");
        assertThat(NO_BACKUP.line()).as("no hint where status looked in the store given").isEqualTo(
                "world: no backup (file:/var/lib/world)");
    }

    @Test
    void theAdvertisedUrlShowsInTheTableAndTheJson() throws Exception {
        ElectionStatus.Entry advertised = new ElectionStatus.Entry("vvmhost/694d", "node-1-41-ab", "node-1", 41,
                Optional.of(STARTED), Optional.of(LEADS), 17, OptionalLong.of(3), "http://10.0.0.7:8080");
        ElectionStatus status = new ElectionStatus("vvmhost", Optional.of(advertised), List.of(standby));

        assertThat(StatusCommand.table(ETCD, status, NO_BACKUP).lines().toList().get(2))
                .contains("http://10.0.0.7:8080");
        JsonNode json = new ObjectMapper().readTree(StatusCommand.json(ETCD, status, NO_BACKUP));
        assertThat(json.at("/leader/advertiseUrl").asText()).isEqualTo("http://10.0.0.7:8080");
        assertThat(json.at("/waiting/0").has("advertiseUrl")).as("a candidate that advertises none").isFalse();
    }

    @Test
    void theTableSaysWhenNobodyLeads() {
        String table = StatusCommand.table(ETCD, new ElectionStatus("vvmhost", Optional.empty(), List.of()),
                NO_BACKUP);

        assertThat(table).contains("no leader");
    }

    @Test
    void jsonHasTheLeaderAndTheWaitingList() throws Exception {
        JsonNode json = new ObjectMapper().readTree(
                StatusCommand.json(ETCD, new ElectionStatus("vvmhost", Optional.of(leader), List.of(standby)),
                        NO_BACKUP));

        assertThat(json.get("election").asText()).isEqualTo("vvmhost");
        assertThat(json.get("endpoints").get(0).asText()).isEqualTo("http://etcd:2379");
        assertThat(json.at("/leader/id").asText()).isEqualTo("node-1-41-ab");
        assertThat(json.at("/leader/host").asText()).isEqualTo("node-1");
        assertThat(json.at("/leader/pid").asLong()).isEqualTo(41);
        assertThat(json.at("/leader/leaderSince").asText()).isEqualTo(LEADS.toString());
        assertThat(json.at("/leader/fencingToken").asText()).isEqualTo("3:17");
        assertThat(json.at("/leader/epoch").asLong()).isEqualTo(3);
        assertThat(json.at("/leader/createRevision").asLong()).isEqualTo(17);
        assertThat(json.get("waiting")).hasSize(1);
        assertThat(json.at("/waiting/0/id").asText()).isEqualTo("node-2-42-cd");
        assertThat(json.at("/waiting/0/createRevision").asLong()).isEqualTo(19);
        assertThat(json.at("/waiting/0").has("fencingToken")).as("only the leader holds a token").isFalse();
        assertThat(json.at("/waiting/0").has("epoch")).isFalse();
    }

    @Test
    void jsonLeaderIsNullWhenNobodyLeads() throws Exception {
        JsonNode json = new ObjectMapper().readTree(
                StatusCommand.json(ETCD, new ElectionStatus("vvmhost", Optional.empty(), List.of()),
                        NO_BACKUP));

        assertThat(json.get("leader").isNull()).isTrue();
        assertThat(json.at("/world/lastBackup").isNull()).isTrue();
        assertThat(json.get("waiting")).isEmpty();
    }

    @Test
    void aRefusalNamesTheOptionsThatFixIt() {
        assertThat(AccessErrors.describe(new LeadershipAccessException(
                "grant a lease: etcd refused the credentials (bad); check the etcd user and password", null)))
                .contains("etcd refused the credentials", "--etcd-user", "--etcd-password", "VVM_ETCD_PASSWORD");
        assertThat(AccessErrors.describe(new LeadershipAccessException(
                "get: etcd denied permission (no); grant the etcd user read/write on the election's keys", null)))
                .contains("--etcd-user").doesNotContain("--etcd-ca-file");
        assertThat(AccessErrors.describe(new LeadershipAccessException("TLS handshake with etcd failed", null)))
                .contains("--etcd-ca-file", "--etcd-cert-file", "--etcd-key-file");
    }

    @Test
    void anUntrustedCertificateNamesItsSubjectTheReasonAndTheCaOption() {
        assertThat(AccessErrors.describe(new LeadershipAccessException("TLS: etcd's certificate at "
                + "https://10.0.0.1:2379 (subject CN=etcd-0) is not trusted: unknown issuer (no CA this replica trusts "
                + "signed it)", null))).isEqualTo("etcd's certificate at https://10.0.0.1:2379 (subject CN=etcd-0) is "
                        + "not trusted: unknown issuer (no CA this replica trusts signed it). To fix: give the CA that "
                        + "signed it with --etcd-ca-file <pem> (VVM_ETCD_CA_FILE)");
        assertThat(AccessErrors.describe(new LeadershipAccessException("TLS: etcd's certificate at "
                + "https://10.0.0.1:2379 (subject CN=etcd-0) is not trusted: hostname mismatch (it is not issued for "
                + "10.0.0.1)", null))).isEqualTo("etcd's certificate at https://10.0.0.1:2379 (subject CN=etcd-0) is "
                        + "not trusted: hostname mismatch (it is not issued for 10.0.0.1). To fix: give "
                        + "--etcd-endpoints a host name or address the certificate is issued for, or have it reissued "
                        + "for this one (--etcd-ca-file cannot fix a name)");
    }

    @Test
    void credentialsForAnEtcdWithoutAuthenticationAreNamedAsSuch() {
        assertThat(AccessErrors.describe(new LeadershipAccessException("read the election vvmhost from "
                + "[http://etcd:2379]: etcd has authentication disabled, but a user and password were given "
                + "(UNAUTHENTICATED: FAILED_PRECONDITION: etcdserver: authentication is not enabled)", null)))
                .isEqualTo("etcd refused access: read the election vvmhost from [http://etcd:2379]: etcd has "
                        + "authentication disabled, but a user and password were given (UNAUTHENTICATED: "
                        + "FAILED_PRECONDITION: etcdserver: authentication is not enabled). To fix: drop --etcd-user "
                        + "and the password (--etcd-password, --etcd-password-file, VVM_ETCD_USER, "
                        + "VVM_ETCD_PASSWORD), or enable authentication on etcd");
    }
}
