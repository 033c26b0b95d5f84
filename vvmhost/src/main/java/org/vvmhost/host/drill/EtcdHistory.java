package org.vvmhost.host.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.services.world.journal.CommandJournal;

/**
 * Audits an election's writes from etcd's own revision history, not from logs: it reads every revision from 1 to the
 * current one ({@code Get} with {@code withRevision}; etcd keeps the history until it is compacted) and rebuilds who
 * led at each revision (the lowest create revision under {@code <election>/}, with the fencing epoch its value
 * proclaimed when it confirmed its win) and every write under {@code <election>-data/}. The world view manifest records
 * nothing that names its writer, so each manifest write is attributed through the replicas' logs (which replica says it
 * saved that tick), and the writer's term must be the one that led at the write's revision. It also keeps every command
 * journal entry a leader put, for the audit of the client's commands.
 */
final class EtcdHistory {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHUNK = Pattern.compile("/g-(\\d+)/chunk-\\d+$");

    /**
     * What one replica's log claims: its term's fencing token, the ticks of the views it says it saved, how many
     * saves it says failed for another reason than fencing (their chunks may be in etcd without a manifest switch),
     * and the ticks of the views whose write it did not see confirmed (etcd may have taken them).
     */
    record Claim(String replica, FencingToken token, Set<Long> savedTicks, long failedSaves, Set<Long> unconfirmedTicks,
            boolean killed) {
        Claim {
            savedTicks = Set.copyOf(savedTicks);
            unconfirmedTicks = Set.copyOf(unconfirmedTicks);
        }
    }

    /**
     * One leader key's tenure in revisions, {@code [start, end)}; {@code end} is {@link Long#MAX_VALUE} while it leads.
     * {@code token} is the fencing token it proclaimed in its value when it confirmed its win (the epoch, with the
     * key's create revision); empty if it never did.
     */
    record Tenure(String key, long createRevision, Optional<FencingToken> token, long start, long end) {
        boolean contains(long revision) {
            return revision >= start && revision < end;
        }

        String describeToken() {
            return token.map(FencingToken::toString).orElse("(unconfirmed, revision " + createRevision + ")");
        }
    }

    /**
     * One switch of the manifest key: the view's tick and generation, and the leader key (its create revision) and
     * token that led at that revision.
     */
    record ManifestWrite(long revision, long tick, long generation, long chunks, long leaderRevision,
            Optional<FencingToken> leaderToken, List<String> claimedBy, String verdict) {
        ManifestWrite {
            claimedBy = List.copyOf(claimedBy);
        }
    }

    /**
     * The audit. {@code deposedWrites}: writes made while their writer did not lead (a manifest write whose claimant
     * was not the leader at that revision, or any data write at a revision at which nobody led). {@code problems}:
     * everything that breaks a promise, deposed writes included.
     */
    record Audit(long lastRevision, List<Tenure> tenures, List<ManifestWrite> manifestWrites, long dataWrites,
            long chunkWrites, List<String> deposedWrites, boolean tokensIncrease, List<String> problems,
            List<JournalPut> journal) {
        Audit {
            tenures = List.copyOf(tenures);
            manifestWrites = List.copyOf(manifestWrites);
            deposedWrites = List.copyOf(deposedWrites);
            problems = List.copyOf(problems);
            journal = List.copyOf(journal);
        }
    }

    /**
     * One command journal entry as a leader put it ({@code <election>-data/journal/…}): leaders trim the journal
     * behind their views, but the history keeps every put.
     */
    record JournalPut(long revision, String key, byte[] value) {
    }

    private final KV kv;
    private final String electionPrefix;
    private final String dataPrefix;
    private final String manifestKey;
    private final String journalPrefix;
    private final Duration timeout;

    private EtcdHistory(KV kv, String election, Duration timeout) {
        this.kv = kv;
        this.electionPrefix = election + "/";
        this.dataPrefix = election + "-data/";
        this.manifestKey = dataPrefix + "world/manifest";
        this.journalPrefix = dataPrefix + CommandJournal.PREFIX;
        this.timeout = timeout;
    }

    /**
     * Reads the whole history of {@code election} through {@code client} and checks it against {@code claims}, what
     * the replicas' logs say; with none (replicas the drill did not start, whose logs it cannot read) it checks what
     * etcd's history alone shows, and attributes no manifest write to a writer.
     */
    static Audit audit(Client client, String election, Optional<List<Claim>> claims, Duration timeout) {
        return new EtcdHistory(client.getKVClient(), election, timeout).audit(claims);
    }

    private Audit audit(Optional<List<Claim>> claims) {
        long last = call(kv.get(bytes(electionPrefix), GetOption.builder().withCountOnly(true).build()))
                .getHeader().getRevision();
        List<Tenure> tenures = new ArrayList<>();
        List<ManifestWrite> manifestWrites = new ArrayList<>();
        List<String> deposed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long dataWrites = 0;
        String leaderKey = null;
        long leaderRevision = -1;
        Optional<FencingToken> leaderToken = Optional.empty();
        long leaderSince = 0;
        long previousCount = 0;
        long previousTick = -1;
        List<ChunkPut> chunkPuts = new ArrayList<>();
        List<JournalPut> journal = new ArrayList<>();
        for (long revision = 1; revision <= last; revision++) {
            GetOption at = GetOption.builder().withRevision(revision).isPrefix(true).withKeysOnly(true).build();
            CompletableFuture<GetResponse> candidates = kv.get(bytes(electionPrefix), at);
            CompletableFuture<GetResponse> puts = kv.get(bytes(dataPrefix), GetOption.builder().withRevision(revision)
                    .isPrefix(true).withKeysOnly(true).withMinModRevision(revision).build());
            CompletableFuture<GetResponse> count = kv.get(bytes(dataPrefix), GetOption.builder()
                    .withRevision(revision).isPrefix(true).withCountOnly(true).build());

            KeyValue lowest = call(candidates).getKvs().stream()
                    .min(Comparator.comparingLong(KeyValue::getCreateRevision)).orElse(null);
            String key = lowest == null ? null : text(lowest.getKey());
            if (!java.util.Objects.equals(key, leaderKey)) {
                if (leaderKey != null) {
                    tenures.add(new Tenure(leaderKey, leaderRevision,
                            leaderToken.isPresent() ? leaderToken : tokenAt(leaderKey, revision - 1), leaderSince,
                            revision));
                }
                leaderKey = key;
                leaderRevision = lowest == null ? -1 : lowest.getCreateRevision();
                leaderToken = Optional.empty();
                leaderSince = revision;
            }

            List<KeyValue> put = call(puts).getKvs();
            long created = put.stream().filter(kv -> kv.getCreateRevision() == kv.getModRevision()).count();
            long now = call(count).getCount();
            long deleted = previousCount + created - now;
            previousCount = now;
            if (put.isEmpty() && deleted <= 0) {
                continue;
            }
            dataWrites++;
            if (leaderKey == null) {
                deposed.add("revision " + revision + ": a write under " + dataPrefix + " while nobody led");
            } else if (leaderToken.isEmpty()) {
                leaderToken = tokenAt(leaderKey, revision);
            }
            for (KeyValue written : put) {
                Matcher chunk = CHUNK.matcher(text(written.getKey()));
                if (chunk.find()) {
                    chunkPuts.add(new ChunkPut(revision, Long.parseLong(chunk.group(1)), leaderRevision));
                }
                if (text(written.getKey()).startsWith(journalPrefix)) {
                    journal.add(new JournalPut(revision, text(written.getKey()), valueAt(written.getKey(), revision)));
                }
            }
            if (put.stream().noneMatch(kv -> text(kv.getKey()).equals(manifestKey))) {
                continue;
            }
            JsonNode manifest = manifestAt(revision);
            long tick = manifest.at("/current/tick").asLong(-1);
            long generation = manifest.at("/current/generation").asLong(-1);
            if (tick <= previousTick) {
                problems.add("revision " + revision + ": the manifest went back from tick " + previousTick + " to "
                        + tick);
            }
            previousTick = tick;
            manifestWrites.add(claims.isPresent()
                    ? attribute(revision, tick, generation, manifest.at("/current/chunks").asLong(0), leaderRevision,
                            leaderToken, claims.get(), deposed, problems)
                    : new ManifestWrite(revision, tick, generation, manifest.at("/current/chunks").asLong(0),
                            leaderRevision, leaderToken, List.of(), leaderRevision < 0 ? "NOBODY LED"
                                    : "while a term led (writer not attributed: no logs)"));
        }
        if (leaderKey != null) {
            tenures.add(new Tenure(leaderKey, leaderRevision,
                    leaderToken.isPresent() ? leaderToken : tokenAt(leaderKey, last), leaderSince, Long.MAX_VALUE));
        }
        boolean increase = true;
        List<Tenure> confirmed = tenures.stream().filter(tenure -> tenure.token().isPresent()).toList();
        for (int i = 1; i < confirmed.size(); i++) {
            if (confirmed.get(i).token().get().compareTo(confirmed.get(i - 1).token().get()) <= 0) {
                increase = false;
                problems.add("fencing tokens went back: " + confirmed.get(i - 1) + " then " + confirmed.get(i));
            }
        }
        claims.ifPresent(logged -> checkClaims(logged, tenures, manifestWrites, deposed, problems));
        deposed.addAll(unexplainedChunks(chunkPuts, manifestWrites, claims.orElse(List.of()), tenures));
        problems.addAll(0, deposed);
        return new Audit(last, tenures, manifestWrites, dataWrites, chunkPuts.size(), deposed, increase, problems,
                journal);
    }

    /** Who wrote the manifest at {@code revision}: the replica whose log saved that tick, and it must be the leader. */
    private static ManifestWrite attribute(long revision, long tick, long generation, long chunks, long leaderRevision,
            Optional<FencingToken> leaderToken, List<Claim> claims, List<String> deposed, List<String> problems) {
        List<Claim> claimants = claims.stream().filter(claim -> claim.savedTicks().contains(tick)).toList();
        List<String> names = claimants.stream().map(Claim::replica).toList();
        String leader = leaderToken.map(FencingToken::toString).orElse("(unconfirmed, revision " + leaderRevision
                + ")");
        String verdict;
        if (leaderRevision < 0) {
            verdict = "NOBODY LED";
        } else if (claimants.stream().anyMatch(claim -> leaderToken.equals(Optional.of(claim.token())))) {
            verdict = "by the leader";
        } else if (!claimants.isEmpty()) {
            verdict = "DEPOSED WRITER";
            deposed.add("revision " + revision + ": the manifest of tick " + tick + " was written by " + names
                    + " (tokens " + claimants.stream().map(Claim::token).toList() + ") while token " + leader
                    + " led");
        } else if (claims.stream().anyMatch(claim -> leaderToken.equals(Optional.of(claim.token()))
                && claim.unconfirmedTicks().contains(tick))) {
            // etcd took the write while the leader's key stood, but the leader never had its reply.
            verdict = "by the leader (unconfirmed to it)";
        } else if (claims.stream().anyMatch(claim -> leaderToken.equals(Optional.of(claim.token()))
                && claim.killed())) {
            // The leader was killed after etcd took the write and before it logged it.
            verdict = "by the leader (killed before it logged the save)";
        } else {
            verdict = "UNCLAIMED";
            problems.add("revision " + revision + ": a manifest of tick " + tick + " that no replica says it saved, "
                    + "while token " + leader + " led");
        }
        return new ManifestWrite(revision, tick, generation, chunks, leaderRevision, leaderToken, names, verdict);
    }

    /**
     * Every save a replica logged is in etcd's history, written inside that replica's own tenure. One that is not, of a
     * tick whose manifest etcd took after that tenure ended, was written by a deposed leader: the leader of the moment
     * may have saved the same tick (the world is deterministic), so the write alone does not name its writer.
     */
    private static void checkClaims(List<Claim> claims, List<Tenure> tenures, List<ManifestWrite> writes,
            List<String> deposed, List<String> problems) {
        for (Claim claim : claims) {
            List<Tenure> own = tenures.stream()
                    .filter(tenure -> tenure.token().equals(Optional.of(claim.token()))).toList();
            if (own.isEmpty()) {
                problems.add(claim.replica() + " logged fencing token " + claim.token()
                        + ", but no key with that create revision ever led in etcd with that epoch");
                continue;
            }
            Set<Long> found = new HashSet<>();
            for (ManifestWrite write : writes) {
                if (claim.savedTicks().contains(write.tick()) && own.get(0).contains(write.revision())) {
                    found.add(write.tick());
                }
            }
            for (long tick : claim.savedTicks()) {
                if (found.contains(tick)) {
                    continue;
                }
                List<ManifestWrite> after = writes.stream()
                        .filter(write -> write.tick() == tick && write.revision() >= own.get(0).end()).toList();
                if (after.isEmpty()) {
                    problems.add(claim.replica() + " logged a saved world view of tick " + tick + ", but etcd has no "
                            + "manifest write of that tick inside its tenure " + own.get(0));
                } else {
                    deposed.add("revision " + after.get(0).revision() + ": the manifest of tick " + tick + " was "
                            + "written by [" + claim.replica() + "] (token " + claim.token() + ") after its tenure "
                            + "ended at revision " + own.get(0).end() + ", while token " + after.get(0).leaderToken()
                            .map(FencingToken::toString).orElse("(none)") + " led");
                }
            }
        }
    }

    /** A chunk of a world view put at {@code revision}, while the key of create revision {@code leaderRevision} led. */
    private record ChunkPut(long revision, long generation, long leaderRevision) {
    }

    /**
     * Chunk writes that the leader of their revision does not account for. Chunk keys record no writer either, so they
     * are counted: in each tenure, the chunks put before its last manifest switch must be the chunks its switches name
     * (plus those of saves its replica logged as failed); after its last switch, only one generation may be in flight
     * (a leader stopped or killed mid-save). A deposed leader's chunk that etcd let through would be one too many.
     */
    private static List<String> unexplainedChunks(List<ChunkPut> chunkPuts, List<ManifestWrite> manifestWrites,
            List<Claim> claims, List<Tenure> tenures) {
        List<String> unexplained = new ArrayList<>();
        Set<Long> leaders = new java.util.TreeSet<>();
        chunkPuts.forEach(chunk -> leaders.add(chunk.leaderRevision()));
        for (long leader : leaders) {
            Optional<Tenure> tenure = tenures.stream().filter(t -> t.createRevision() == leader).findFirst();
            Optional<FencingToken> token = tenure.flatMap(Tenure::token);
            String described = tenure.map(Tenure::describeToken).orElse("(nobody)");
            List<ManifestWrite> switches = manifestWrites.stream().filter(w -> w.leaderRevision() == leader).toList();
            long lastSwitch = switches.isEmpty() ? -1 : switches.get(switches.size() - 1).revision();
            long expected = switches.stream().mapToLong(ManifestWrite::chunks).sum();
            long largest = manifestWrites.stream().mapToLong(ManifestWrite::chunks).max().orElse(1);
            long failed = claims.stream().filter(claim -> token.equals(Optional.of(claim.token())))
                    .mapToLong(Claim::failedSaves).sum();
            List<ChunkPut> ofTenure = chunkPuts.stream().filter(chunk -> chunk.leaderRevision() == leader).toList();
            long before = ofTenure.stream().filter(chunk -> chunk.revision() < lastSwitch).count();
            Set<Long> inFlight = new HashSet<>();
            ofTenure.stream().filter(chunk -> chunk.revision() > lastSwitch)
                    .forEach(chunk -> inFlight.add(chunk.generation()));
            if (before > expected + failed * largest) {
                unexplained.add("while token " + described + " led, " + before + " chunks were put before its last "
                        + "manifest switch, but its switches name " + expected + " (and it logged " + failed
                        + " failed saves)");
            }
            if (inFlight.size() > 1) {
                unexplained.add("while token " + described + " led, chunks of generations " + inFlight + " were put "
                        + "after its last manifest switch; one save in flight explains one generation");
            }
        }
        return unexplained;
    }

    /** The fencing token the leader key proclaimed in its value, as it stood at {@code revision}, if any. */
    private Optional<FencingToken> tokenAt(String key, long revision) {
        List<KeyValue> kvs = call(kv.get(bytes(key), GetOption.builder().withRevision(revision).build())).getKvs();
        if (kvs.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode epoch = JSON.readTree(kvs.get(0).getValue().getBytes()).get("epoch");
            return epoch == null || !epoch.canConvertToLong() || epoch.asLong() < 1 ? Optional.empty()
                    : Optional.of(new FencingToken(epoch.asLong(), kvs.get(0).getCreateRevision()));
        } catch (IOException e) {
            return Optional.empty(); // a value another tool wrote
        }
    }

    private byte[] valueAt(ByteSequence key, long revision) {
        return call(kv.get(key, GetOption.builder().withRevision(revision).build())).getKvs().get(0).getValue()
                .getBytes();
    }

    private JsonNode manifestAt(long revision) {
        List<KeyValue> kvs = call(kv.get(bytes(manifestKey), GetOption.builder().withRevision(revision).build()))
                .getKvs();
        if (kvs.isEmpty()) {
            throw new IllegalStateException("revision " + revision + " put " + manifestKey + ", but it is not there");
        }
        try {
            return JSON.readTree(kvs.get(0).getValue().getBytes());
        } catch (IOException e) {
            throw new IllegalStateException("revision " + revision + ": the manifest is not JSON: " + e.getMessage(),
                    e);
        }
    }

    private <T> T call(CompletableFuture<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading etcd's history", e);
        } catch (ExecutionException e) {
            String message = String.valueOf(e.getCause().getMessage());
            if (message.contains("compacted")) {
                throw new IllegalStateException("etcd's history was compacted; the audit needs all of it (run etcd "
                        + "without --auto-compaction-retention, and the replicas with an --etcd-compaction-retention "
                        + "longer than the drill): " + message, e.getCause());
            }
            throw new IllegalStateException("reading etcd's history failed: " + message, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("etcd did not answer within " + timeout, e);
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    private static String text(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
