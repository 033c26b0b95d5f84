package org.vvmhost.leadership;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import org.vvmhost.time.Durations;

/**
 * A leader's word, for a planned switchover, that one candidate is to lead next; kept in the election's data under
 * {@link DataStore#SWITCHOVER_KEY} (see {@link Term#nameSuccessor}) until that candidate leads, or it expires. Its
 * expiry is the backend's: on etcd the key is bound to a lease whose TTL is {@code validFor}, so no two machines need
 * agree on the time; {@code issuedAt} is for people.
 *
 * @param successor    the id of the candidate that is to lead next
 * @param from         the id of the leader that named it
 * @param fencingToken the token of that leader's term
 */
public record SwitchoverIntent(String successor, String from, FencingToken fencingToken, Instant issuedAt,
                               Duration validFor) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public SwitchoverIntent {
        Objects.requireNonNull(successor, "successor");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(fencingToken, "fencingToken");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(validFor, "validFor");
        if (successor.isBlank()) {
            throw new IllegalArgumentException("a switchover names its successor; got a blank id");
        }
        if (successor.equals(from)) {
            throw new IllegalArgumentException("candidate " + from + " leads already; name another candidate");
        }
        if (validFor.compareTo(LeaseSettings.MINIMUM_TTL) < 0) {
            throw new IllegalArgumentException("a switchover intent lives at least 2s, etcd's minimum lease TTL; got "
                    + Durations.text(validFor));
        }
    }

    /** What a candidate that comes first in line does about an intent. */
    public enum Verdict {
        /** No intent: it leads. */
        LEAD,
        /** The intent names it, or names a candidate no longer in the election (void): it leads, and clears it. */
        CLEAR_AND_LEAD,
        /** The intent names another candidate that is in the election: it re-enters the line behind. */
        GIVE_WAY
    }

    /**
     * The policy for the candidate {@code self} that comes first in line, with {@code candidates} the ids of every
     * candidate in the election now (its own included) and the intent as read with them. An expired intent is gone
     * from the store, so it is not given here.
     */
    public static Verdict verdict(Optional<SwitchoverIntent> intent, String self, Collection<String> candidates) {
        if (intent.isEmpty()) {
            return Verdict.LEAD;
        }
        String successor = intent.get().successor();
        return successor.equals(self) || !candidates.contains(successor) ? Verdict.CLEAR_AND_LEAD : Verdict.GIVE_WAY;
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(new Stored(successor, from, fencingToken.toString(), issuedAt.toString(),
                    validFor.toMillis()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the switchover intent as JSON", e);
        }
    }

    /** Reads what {@link #toJson()} wrote; anything else (another tool's value, garbage) is no intent. */
    public static Optional<SwitchoverIntent> parse(byte[] json) {
        try {
            Stored stored = JSON.readValue(json, Stored.class);
            return Optional.of(new SwitchoverIntent(stored.successor(), stored.from(),
                    FencingToken.parse(stored.fencingToken()), Instant.parse(stored.issuedAt()),
                    Duration.ofMillis(stored.validForMillis())));
        } catch (IOException | IllegalArgumentException | NullPointerException | DateTimeParseException e) {
            // A value that does not parse cannot name anyone: like no intent.
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "switchover to " + successor + " (named by " + from + ", term " + fencingToken + ", for "
                + Durations.text(validFor) + " from " + issuedAt + ")";
    }

    /** The stored form: text and numbers only, so that any JSON reader shows it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Stored(String successor, String from, String fencingToken, String issuedAt, long validForMillis) {
    }
}
