package org.vvmhost.services.world.view;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.zip.CRC32C;
import org.vvmhost.services.world.ComponentSet;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldGeometry;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.services.world.core.Partition;
import org.vvmhost.services.world.core.WorldCore;
import org.vvmhost.services.world.core.WorldState;

/**
 * The world view's binary format, little-endian:
 *
 * <pre>
 * 0   magic "VVMW"          4 bytes
 * 4   version               u16
 * 6   reserved              u16 (0)
 * 8   checksum              u32, CRC32C of every byte from offset 12 to the end
 * 12  header length         u32, bytes from offset 16 to the body
 * 16  tick, seed, world hash, next entity id, population     5 × i64
 * 56  version 2 on: the config's initial entity count, the last command sequence number applied (-1: none)   2 × i64
 * ..  width, height (f32), rows, cols (i32)
 * ..  set count (i32); per set: name length (u16), UTF-8 name, float columns (u16), int columns (u16)
 * ..  body length           i64
 * body: per set in header order, per area ascending: row count (i32), ids, then each column whole
 * </pre>
 */
public final class WorldViewCodec {

    static final int MAGIC = 0x574D5656; // "VVMW" read little-endian
    private static final int CHECKSUMMED_FROM = 12;
    private static final int FIXED_HEADER_END = 16;

    private WorldViewCodec() {
    }

    /** The world view of a whole world: {@code partitions[set][area]} in the core's set order. */
    public static WorldView encode(WorldCore core, WorldState state) {
        Partition[][] partitions = state.partitions();
        long hash = core.hash(partitions, state.nextEntityId());
        long population = WorldCore.population(partitions[0]);
        List<WorldView.SetLayout> layouts = layouts(core.sets());
        int headerLength = 7 * Long.BYTES + 4 * Integer.BYTES + Integer.BYTES + Long.BYTES;
        for (WorldView.SetLayout layout : layouts) {
            headerLength += 2 + layout.name().getBytes(StandardCharsets.UTF_8).length + 2 + 2;
        }
        long bodyLength = 0;
        for (Partition[] bySet : partitions) {
            for (Partition partition : bySet) {
                bodyLength += partition.encodedSize();
            }
        }
        long total = FIXED_HEADER_END + headerLength + bodyLength;
        if (total > Integer.MAX_VALUE - 16) {
            throw new WorldViewException("the world is too large for one world view: " + total + " bytes");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putShort((short) WorldView.VERSION).putShort((short) 0).putInt(0).putInt(headerLength);
        out.putLong(state.tick()).putLong(core.seed()).putLong(hash).putLong(state.nextEntityId()).putLong(population)
                .putLong(core.config().entities()).putLong(state.lastCommandSeq());
        WorldGeometry geometry = core.geometry();
        out.putFloat(geometry.width()).putFloat(geometry.height()).putInt(geometry.rows()).putInt(geometry.cols());
        out.putInt(layouts.size());
        for (WorldView.SetLayout layout : layouts) {
            byte[] name = layout.name().getBytes(StandardCharsets.UTF_8);
            out.putShort((short) name.length).put(name);
            out.putShort((short) layout.floatColumns()).putShort((short) layout.intColumns());
        }
        out.putLong(bodyLength);
        for (Partition[] bySet : partitions) {
            for (Partition partition : bySet) {
                partition.encode(out);
            }
        }
        byte[] bytes = out.array();
        int checksum = checksum(bytes);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, checksum);
        return new WorldView(new WorldView.Header(WorldView.VERSION, state.tick(), core.seed(), hash,
                state.nextEntityId(), population, core.config().entities(), state.lastCommandSeq(), geometry, layouts,
                checksum), bytes);
    }

    private static List<WorldView.SetLayout> layouts(List<ComponentSet> sets) {
        return sets.stream().map(set -> new WorldView.SetLayout(set.name(), set.schema().floatColumns().size(),
                set.schema().intColumns().size())).toList();
    }

    /** Checks the magic, version, checksum and lengths, and reads the header. */
    public static WorldView.Header readHeader(byte[] bytes) {
        if (bytes.length < FIXED_HEADER_END) {
            throw new WorldViewException("not a world view: " + bytes.length + " bytes is shorter than a header");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (in.getInt() != MAGIC) {
            throw new WorldViewException("not a world view: the magic bytes are not VVMW");
        }
        int version = Short.toUnsignedInt(in.getShort());
        if (version < WorldView.FIRST_VERSION || version > WorldView.VERSION) {
            throw new WorldViewException("world view format version " + version + " is not supported; this build "
                    + "reads versions " + WorldView.FIRST_VERSION + " to " + WorldView.VERSION);
        }
        in.getShort();
        int stored = in.getInt();
        int actual = checksum(bytes);
        if (stored != actual) {
            throw new WorldViewException(String.format(
                    "world view checksum mismatch: the header says %08x, the content gives %08x "
                            + "(the backup is corrupt or truncated)", stored, actual));
        }
        try {
            int headerLength = in.getInt();
            long tick = in.getLong();
            long seed = in.getLong();
            long worldHash = in.getLong();
            long nextEntityId = in.getLong();
            long population = in.getLong();
            // Version 1 had no commands: its population was the config's, and it applied none.
            long entities = version >= 2 ? in.getLong() : population;
            long lastCommandSeq = version >= 2 ? in.getLong() : -1;
            WorldGeometry geometry = new WorldGeometry(in.getFloat(), in.getFloat(), in.getInt(), in.getInt());
            int setCount = in.getInt();
            List<WorldView.SetLayout> sets = new ArrayList<>();
            for (int i = 0; i < setCount; i++) {
                byte[] name = new byte[Short.toUnsignedInt(in.getShort())];
                in.get(name);
                sets.add(new WorldView.SetLayout(new String(name, StandardCharsets.UTF_8),
                        Short.toUnsignedInt(in.getShort()), Short.toUnsignedInt(in.getShort())));
            }
            long bodyLength = in.getLong();
            if (in.position() != FIXED_HEADER_END + headerLength || in.remaining() != bodyLength) {
                throw new WorldViewException("world view lengths disagree: header " + headerLength + ", body "
                        + bodyLength + ", but " + bytes.length + " bytes in total");
            }
            return new WorldView.Header(version, tick, seed, worldHash, nextEntityId, population, entities,
                    lastCommandSeq, geometry, sets, stored);
        } catch (BufferUnderflowException e) {
            throw new WorldViewException("world view header is truncated", e);
        }
    }

    /** Decodes the body into {@code [set][area]} partitions; the sets must match the header's layouts. */
    private static Partition[][] readBody(WorldView view, List<ComponentSet> sets) {
        WorldView.Header header = view.header();
        ByteBuffer in = ByteBuffer.wrap(view.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        in.position(view.bytes().length - (int) bodyLength(view));
        int areas = header.geometry().areaCount();
        Partition[][] partitions = new Partition[sets.size()][areas];
        try {
            for (int s = 0; s < sets.size(); s++) {
                for (int a = 0; a < areas; a++) {
                    partitions[s][a] = Partition.decode(sets.get(s), a, in);
                }
            }
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new WorldViewException("world view body is malformed: " + e.getMessage(), e);
        }
        if (in.hasRemaining()) {
            throw new WorldViewException("world view body has " + in.remaining() + " unexpected trailing bytes");
        }
        return partitions;
    }

    /**
     * Checks that {@code view} belongs to the core's world and reproduces its hash, and decodes it.
     *
     * @throws WorldViewException naming what differs or what is inconsistent
     */
    public static WorldState decode(WorldCore core, WorldView view) {
        WorldView.Header header = WorldView.decode(view.bytes()).header();
        mismatch(core, header).ifPresent(mismatch -> {
            throw new WorldViewException(mismatch.message());
        });
        Partition[][] partitions = readBody(view, core.sets());
        long hash;
        try {
            hash = core.hash(partitions, header.nextEntityId());
        } catch (IllegalStateException e) {
            throw new WorldViewException("world view of tick " + header.tick() + " is inconsistent: "
                    + e.getMessage(), e);
        }
        if (hash != header.worldHash()) {
            throw new WorldViewException(String.format("world view of tick %d does not reproduce its world hash: "
                    + "the header says %016x, the content gives %016x", header.tick(), header.worldHash(), hash));
        }
        if (WorldCore.population(partitions[0]) != header.population()) {
            throw new WorldViewException("world view of tick " + header.tick() + " is inconsistent: the header says "
                    + header.population() + " entities, the body holds " + WorldCore.population(partitions[0]));
        }
        return new WorldState(partitions, header.tick(), header.nextEntityId(), header.lastCommandSeq());
    }

    /**
     * A config field whose value differs from the world a view was written for.
     *
     * @param field    the config field, for example {@code world.seed}
     * @param inView   its value in the view, as text
     * @param inConfig its value in the config
     */
    public record Mismatch(String field, String inView, String inConfig) {
        public String message() {
            return "the world view was written for another world: " + field + " is " + inView + " in the view but "
                    + inConfig + " in the config";
        }
    }

    /**
     * The first field, in the config's order, in which the world of {@code header} differs from the core's: seed,
     * size, areas, entities, component sets. Empty if the view belongs to this world.
     */
    public static Optional<Mismatch> mismatch(WorldCore core, WorldView.Header header) {
        WorldConfig config = core.config();
        WorldGeometry geometry = core.geometry();
        WorldGeometry stored = header.geometry();
        List<WorldView.SetLayout> layouts = layouts(core.sets());
        if (header.seed() != config.seed()) {
            return Optional.of(new Mismatch("world.seed", String.valueOf(header.seed()),
                    String.valueOf(config.seed())));
        }
        if (stored.width() != geometry.width() || stored.height() != geometry.height()) {
            return Optional.of(new Mismatch("world.size", stored.width() + " × " + stored.height(),
                    geometry.width() + " × " + geometry.height()));
        }
        if (stored.rows() != geometry.rows() || stored.cols() != geometry.cols()) {
            return Optional.of(new Mismatch("world.areas", stored.rows() + " × " + stored.cols(),
                    geometry.rows() + " × " + geometry.cols()));
        }
        if (header.entities() != config.entities()) {
            return Optional.of(new Mismatch("world.entities", String.valueOf(header.entities()),
                    String.valueOf(config.entities())));
        }
        if (!header.sets().equals(layouts)) {
            boolean sameNames = header.sets().stream().map(WorldView.SetLayout::name).toList()
                    .equals(layouts.stream().map(WorldView.SetLayout::name).toList());
            return Optional.of(new Mismatch("world.component-sets", describe(header.sets(), sameNames),
                    describe(layouts, sameNames)));
        }
        return Optional.empty();
    }

    /** Set names, with their columns when only the columns differ. */
    private static String describe(List<WorldView.SetLayout> sets, boolean withColumns) {
        return "[" + sets.stream().map(set -> withColumns ? set.name() + " (" + set.floatColumns() + " float, "
                + set.intColumns() + " int columns)" : set.name()).collect(Collectors.joining(", ")) + "]";
    }

    private static long bodyLength(WorldView view) {
        ByteBuffer in = ByteBuffer.wrap(view.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = in.getInt(CHECKSUMMED_FROM);
        return in.getLong(FIXED_HEADER_END + headerLength - Long.BYTES);
    }

    private static int checksum(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, CHECKSUMMED_FROM, bytes.length - CHECKSUMMED_FROM);
        return (int) crc.getValue();
    }
}
