package org.vvmhost.services.world.journal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.command.CommandCatalog;
import org.vvmhost.services.world.command.CommandException;

/**
 * A journal entry as JSON, the value of one key of the journal:
 * <pre>
 * {"v": 1, "tick": 120, "batches": [{"seq": 7, "key": "order-1", "commands": [{"kind": "damage", ...}, ...]}, ...]}
 * </pre>
 * Commands have the form of the API ({@link CommandCatalog}); reading an entry checks them with the same rules. A
 * batch's commands are encoded once, when the request arrives, and copied into the entry as they are.
 */
public final class JournalCodec {

    /** The format version this code writes and reads. */
    public static final int VERSION = 1;
    /** An upper bound of what an entry adds around its batches' commands, besides the keys. */
    private static final int ENTRY_OVERHEAD = 64;
    private static final int BATCH_OVERHEAD = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommandCatalog catalog;

    public JournalCodec(CommandCatalog catalog) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    /** A batch ready for an entry: its commands, and their JSON as it goes into the entry. */
    public record EncodedBatch(List<WorldCommand> commands, String key, String json) {
        public EncodedBatch {
            commands = List.copyOf(commands);
            Objects.requireNonNull(json, "json");
        }

        /** At least the bytes this batch takes in an entry: commands and keys are ASCII that JSON does not escape. */
        public int bytes() {
            return json.length() + BATCH_OVERHEAD + (key == null ? 0 : key.length());
        }
    }

    /** Encodes {@code commands} once, for entries and for comparing idempotent retries. */
    public EncodedBatch encode(List<WorldCommand> commands, String key) {
        ArrayNode array = JSON.createArrayNode();
        commands.forEach(command -> array.add(catalog.encode(command)));
        try {
            return new EncodedBatch(commands, key, JSON.writeValueAsString(array));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode commands", e);
        }
    }

    /** The bytes an entry of these batches takes at most. */
    public static int entryBytes(List<EncodedBatch> batches) {
        return ENTRY_OVERHEAD + batches.stream().mapToInt(EncodedBatch::bytes).sum();
    }

    /** The entry of {@code tick} whose batches start at sequence numbers {@code seqs}, batch by batch. */
    public byte[] encode(long tick, List<EncodedBatch> batches, long[] seqs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(entryBytes(batches));
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("v", VERSION);
            json.writeNumberField("tick", tick);
            json.writeArrayFieldStart("batches");
            for (int i = 0; i < batches.size(); i++) {
                EncodedBatch batch = batches.get(i);
                json.writeStartObject();
                json.writeNumberField("seq", seqs[i]);
                if (batch.key() != null) {
                    json.writeStringField("key", batch.key());
                }
                json.writeFieldName("commands");
                json.writeRawValue(batch.json());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a journal entry", e);
        }
        return out.toByteArray();
    }

    /** The entry as {@link #decode} reads it back. */
    public byte[] encode(JournalEntry entry) {
        List<EncodedBatch> batches = new ArrayList<>();
        long[] seqs = new long[entry.batches().size()];
        for (int i = 0; i < seqs.length; i++) {
            JournalEntry.Batch batch = entry.batches().get(i);
            batches.add(encode(batch.commands(), batch.key()));
            seqs[i] = batch.seq();
        }
        return encode(entry.tick(), batches, seqs);
    }

    /**
     * Reads an entry; {@code where} names it in errors (its key, say).
     *
     * @throws JournalException saying what is wrong with it
     */
    public JournalEntry decode(byte[] bytes, String where) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new JournalException(where + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new JournalException(where + " is not a JSON object");
        }
        if (root.path("v").asInt(-1) != VERSION) {
            throw new JournalException(where + " has format version " + root.path("v") + "; this build reads version "
                    + VERSION);
        }
        long tick = root.path("tick").asLong(-1);
        JsonNode batches = root.path("batches");
        if (tick < 1 || !batches.isArray() || batches.isEmpty()) {
            throw new JournalException(where + " lacks a tick ≥ 1 or its batches");
        }
        List<JournalEntry.Batch> read = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            JsonNode batch = batches.get(i);
            long seq = batch.path("seq").asLong(-1);
            JsonNode commands = batch.path("commands");
            if (seq < 0 || !commands.isArray() || commands.isEmpty()) {
                throw new JournalException(where + ", batch " + i + ": lacks a sequence number or its commands");
            }
            List<WorldCommand> parsed = new ArrayList<>();
            for (int c = 0; c < commands.size(); c++) {
                try {
                    parsed.add(catalog.parse(commands.get(c), "batches[" + i + "].commands[" + c + "]", id -> true));
                } catch (CommandException e) {
                    throw new JournalException(where + ": " + e.getMessage(), e);
                }
            }
            JsonNode key = batch.get("key");
            read.add(new JournalEntry.Batch(seq, key == null || key.isNull() ? null : key.asText(), parsed));
        }
        return new JournalEntry(tick, read);
    }
}
