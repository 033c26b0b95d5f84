package org.vvmhost.services.world.authority;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.services.world.core.AuthorityGrant;

/** {@link SimulatorAuthority} on an election's data store; writes go through the term given to each grant. */
final class ElectionAuthority implements SimulatorAuthority {

    private static final Logger LOG = LoggerFactory.getLogger(ElectionAuthority.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataStore data;

    ElectionAuthority(DataStore data) {
        this.data = Objects.requireNonNull(data, "data");
    }

    static String grantKey(String set, int area) {
        return GRANTS + set + "/" + area;
    }

    static String epochKey(String set, int area) {
        return EPOCHS + set + "/" + area;
    }

    /**
     * The epoch to write: {@code proposed}, or the one after the last issued when none is proposed. Empty when the
     * proposed epoch is not above the last issued: epochs only grow.
     */
    static OptionalLong nextEpoch(OptionalLong lastIssued, OptionalLong proposed) {
        long last = lastIssued.orElse(0);
        long next = proposed.orElse(last + 1);
        return next > last ? OptionalLong.of(next) : OptionalLong.empty();
    }

    @Override
    public CompletableFuture<List<SimulatorRegistration>> simulators() {
        return data.scan(SIMULATORS).thenApply(values -> {
            List<SimulatorRegistration> found = new ArrayList<>();
            for (Map.Entry<String, byte[]> entry : values.entrySet()) {
                Optional<SimulatorRegistration> registration = SimulatorRegistration.parse(entry.getValue());
                if (registration.isPresent() && registration.get().key().equals(entry.getKey())) {
                    found.add(registration.get());
                } else {
                    LOG.warn("skipping {}: its value is not a simulator's registration", entry.getKey());
                }
            }
            return List.copyOf(found);
        });
    }

    @Override
    public CompletableFuture<Optional<AuthorityGrant>> holder(String set, int area) {
        return data.get(grantKey(set, area)).thenApply(value -> value.map(ElectionAuthority::grantOf));
    }

    @Override
    public CompletableFuture<AuthorityGrant> grant(Term term, String set, int area, String simulator) {
        return write(term, set, area, simulator, OptionalLong.empty());
    }

    @Override
    public CompletableFuture<AuthorityGrant> grant(Term term, AuthorityGrant grant) {
        return write(term, grant.set(), grant.area(), grant.simulator(), OptionalLong.of(grant.epoch()));
    }

    private CompletableFuture<AuthorityGrant> write(Term term, String set, int area, String simulator,
                                                    OptionalLong proposed) {
        String owner = SIMULATORS + simulator;
        CompletableFuture<Optional<byte[]>> registration = data.get(owner);
        CompletableFuture<Optional<byte[]>> lastIssued = data.get(epochKey(set, area));
        return registration.thenCombine(lastIssued, (registered, issued) -> {
            SimulatorRegistration found = registered.flatMap(SimulatorRegistration::parse).orElseThrow(() ->
                    new AuthorityException("cannot grant " + set + " area " + area + " to simulator '" + simulator
                            + "': it is not registered (no " + owner + ")"));
            if (!found.componentSets().contains(set)) {
                throw new AuthorityException("cannot grant " + set + " area " + area + " to simulator '" + simulator
                        + "': it simulates only " + found.componentSets());
            }
            OptionalLong last = issued.map(ElectionAuthority::epochOf).map(OptionalLong::of)
                    .orElse(OptionalLong.empty());
            long epoch = nextEpoch(last, proposed).orElseThrow(() -> new AuthorityException("stale epoch "
                    + proposed.getAsLong() + " for " + set + " area " + area + ": epoch " + last.getAsLong()
                    + " was issued already, and epochs only grow"));
            AuthorityGrant grant = new AuthorityGrant(set, area, simulator, epoch);
            return new Pending(grant, List.of(
                    WriteOp.expect(epochKey(set, area), issued),
                    WriteOp.put(epochKey(set, area), Long.toString(epoch).getBytes(StandardCharsets.UTF_8)),
                    WriteOp.putBound(grantKey(set, area), json(grant), owner)));
        }).thenCompose(pending -> term.write(pending.ops()).thenApply(done -> {
            LOG.info("granted {} to {} (epoch {})", pending.grant().set() + "/" + area, simulator,
                    pending.grant().epoch());
            return pending.grant();
        }));
    }

    private record Pending(AuthorityGrant grant, List<WriteOp> ops) {
    }

    private static long epochOf(byte[] value) {
        try {
            return Long.parseLong(new String(value, StandardCharsets.UTF_8).strip());
        } catch (NumberFormatException e) {
            throw new AuthorityException("the stored epoch is not a number: '" + new String(value,
                    StandardCharsets.UTF_8) + "'");
        }
    }

    private static byte[] json(AuthorityGrant grant) {
        try {
            return JSON.writeValueAsBytes(grant);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a grant as JSON", e);
        }
    }

    private static AuthorityGrant grantOf(byte[] value) {
        try {
            return JSON.readValue(value, AuthorityGrant.class);
        } catch (IOException e) {
            throw new AuthorityException("a stored grant is not one: " + e.getMessage());
        }
    }
}
