package org.vvmhost.services.world.core;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.vvmhost.services.world.ComponentSchema;
import org.vvmhost.services.world.ComponentSet;
import org.vvmhost.services.world.EntityRecord;

/**
 * Rows of one component set read for a query, as plain arrays: row {@code i} is entity {@code ids[i]} in area
 * {@code areas[i]}, its float columns at {@code floats[i * floatColumns ...]} and its int columns at
 * {@code ints[i * intColumns ...]}.
 */
public record EntityRows(long[] ids, int[] areas, float[] floats, int[] ints, int floatColumns, int intColumns) {

    /**
     * From {@code partitions} (of one set): the rows of {@code ids} found there, or, with {@code ids} null, each
     * partition's {@code limit} lowest ids.
     */
    public static EntityRows read(ComponentSchema schema, List<Partition> partitions, long[] ids, int limit) {
        record Hit(Partition partition, long id, int row) {
        }
        List<Hit> hits = new ArrayList<>();
        for (Partition partition : partitions) {
            long[] wanted = ids;
            if (wanted == null) {
                wanted = Arrays.copyOf(partition.ids(), partition.size());
                Arrays.sort(wanted);
                wanted = Arrays.copyOf(wanted, Math.min(limit, wanted.length));
            }
            for (long id : wanted) {
                int row = partition.rowOf(id);
                if (row >= 0) {
                    hits.add(new Hit(partition, id, row));
                }
            }
        }
        int floatColumns = schema.floatColumns().size();
        int intColumns = schema.intColumns().size();
        int n = hits.size();
        long[] outIds = new long[n];
        int[] outAreas = new int[n];
        float[] floats = new float[n * floatColumns];
        int[] ints = new int[n * intColumns];
        for (int i = 0; i < n; i++) {
            Hit hit = hits.get(i);
            outIds[i] = hit.id();
            outAreas[i] = hit.partition().area();
            for (int c = 0; c < floatColumns; c++) {
                floats[i * floatColumns + c] = hit.partition().floats(c)[hit.row()];
            }
            for (int c = 0; c < intColumns; c++) {
                ints[i * intColumns + c] = hit.partition().ints(c)[hit.row()];
            }
        }
        return new EntityRows(outIds, outAreas, floats, ints, floatColumns, intColumns);
    }

    /** The rows of {@code parts}, one after the other. */
    public static EntityRows concat(List<EntityRows> parts, ComponentSchema schema) {
        int floatColumns = schema.floatColumns().size();
        int intColumns = schema.intColumns().size();
        int n = parts.stream().mapToInt(EntityRows::size).sum();
        long[] ids = new long[n];
        int[] areas = new int[n];
        float[] floats = new float[n * floatColumns];
        int[] ints = new int[n * intColumns];
        int at = 0;
        for (EntityRows part : parts) {
            System.arraycopy(part.ids, 0, ids, at, part.size());
            System.arraycopy(part.areas, 0, areas, at, part.size());
            System.arraycopy(part.floats, 0, floats, at * floatColumns, part.size() * floatColumns);
            System.arraycopy(part.ints, 0, ints, at * intColumns, part.size() * intColumns);
            at += part.size();
        }
        return new EntityRows(ids, areas, floats, ints, floatColumns, intColumns);
    }

    public int size() {
        return ids.length;
    }

    /**
     * The entities of {@code rows[0]} (the first set's rows, which decide the order), each with its components from
     * the rows of every set; {@code owner} names the simulator of (set index, area).
     */
    public static List<EntityRecord> join(WorldCore core, EntityRows[] rows,
            BiFunction<Integer, Integer, String> owner) {
        List<Long2IntOpenHashMap> indexes = new ArrayList<>();
        for (EntityRows ofSet : rows) {
            Long2IntOpenHashMap index = new Long2IntOpenHashMap(ofSet.size());
            index.defaultReturnValue(-1);
            for (int i = 0; i < ofSet.size(); i++) {
                index.put(ofSet.ids[i], i);
            }
            indexes.add(index);
        }
        List<EntityRecord> records = new ArrayList<>();
        for (int i = 0; i < rows[0].size(); i++) {
            long id = rows[0].ids[i];
            int area = rows[0].areas[i];
            Map<String, Map<String, Number>> components = new LinkedHashMap<>();
            Map<String, String> owners = new LinkedHashMap<>();
            for (int s = 0; s < rows.length; s++) {
                int at = indexes.get(s).get(id);
                ComponentSet set = core.sets().get(s);
                if (at < 0) {
                    throw new IllegalStateException("entity " + id + " of area " + area + " is missing from set "
                            + set.name());
                }
                components.put(set.name(), rows[s].columns(set.schema(), at));
                owners.put(set.name(), owner.apply(s, area));
            }
            records.add(new EntityRecord(id, area, components, owners));
        }
        return records;
    }

    private Map<String, Number> columns(ComponentSchema schema, int at) {
        Map<String, Number> values = new LinkedHashMap<>();
        for (int c = 0; c < floatColumns; c++) {
            values.put(schema.floatColumns().get(c), floats[at * floatColumns + c]);
        }
        for (int c = 0; c < intColumns; c++) {
            values.put(schema.intColumns().get(c), ints[at * intColumns + c]);
        }
        return values;
    }
}
