package org.vvmhost.leadership.etcd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.vvmhost.leadership.Candidate;

/**
 * The JSON value of a candidate's election key: who campaigns, where its HTTP API answers, the highest fencing epoch
 * it has seen (so that the first leader after a wipe can bump past it), and, once it leads, since when and in which
 * epoch. Times are ISO-8601 strings, readable in {@code etcdctl} output. Readers ignore fields they do not know, so a
 * field added later is read by older replicas as absent.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
record CandidateValue(String id, String host, long pid, String startedAt, String advertiseUrl, Long knownEpoch,
        String leaderSince, Long epoch) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static CandidateValue of(Candidate candidate) {
        return new CandidateValue(candidate.id(), candidate.host(), candidate.pid(),
                candidate.startedAt().toString(), candidate.advertiseUrl().isEmpty() ? null : candidate.advertiseUrl(),
                null, null, null);
    }

    CandidateValue knowing(long highestEpoch) {
        return new CandidateValue(id, host, pid, startedAt, advertiseUrl, highestEpoch > 0 ? highestEpoch : null,
                leaderSince, epoch);
    }

    CandidateValue leading(Instant since, long fencingEpoch) {
        return new CandidateValue(id, host, pid, startedAt, advertiseUrl, knownEpoch, since.toString(), fencingEpoch);
    }

    /** The highest epoch this value shows: the one it leads in, or the one its candidate had seen. */
    long highestEpoch() {
        return Math.max(epoch == null ? 0 : epoch, knownEpoch == null ? 0 : knownEpoch);
    }

    byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the candidate value as JSON", e);
        }
    }

    /** Reads a value; one written by another tool (for example {@code etcdctl elect}) is empty. */
    static Optional<CandidateValue> parse(byte[] json) {
        try {
            CandidateValue value = JSON.readValue(json, CandidateValue.class);
            return value == null || value.id() == null ? Optional.empty() : Optional.of(value);
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    static Optional<Instant> instant(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
