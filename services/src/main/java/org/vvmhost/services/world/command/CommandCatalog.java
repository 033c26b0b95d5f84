package org.vvmhost.services.world.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import org.vvmhost.services.world.CommandField;
import org.vvmhost.services.world.CommandKind;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldGeometry;
import org.vvmhost.services.world.core.WorldCore;

/**
 * The commands a world takes, and their JSON form: {@code {"kind": "damage", "entity": 7, "amount": 30}}. It checks a
 * command field by field and names the first field that is wrong; the same form goes into the command journal, so a
 * journal is read back through the same checks.
 *
 * <ul>
 *   <li>{@code spawn}: {@code x} in {@code [0, width]}, {@code y} in {@code [0, height]}, and optionally
 *       {@code components}: set → column → value, for the columns each set lets a spawn set.</li>
 *   <li>{@code despawn}: {@code entity}.</li>
 *   <li>every kind a component set declares: {@code entity} and the kind's fields, each required and within its
 *       bounds.</li>
 * </ul>
 */
public final class CommandCatalog {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final WorldCore core;

    private CommandCatalog(WorldCore core) {
        this.core = core;
    }

    /** The commands of the world of {@code config} with the sets of {@code sets}. */
    public static CommandCatalog of(WorldConfig config, ComponentSetRegistry sets) {
        return new CommandCatalog(WorldCore.of(config, sets));
    }

    /** The config of the world these commands are for. */
    public WorldConfig config() {
        return core.config();
    }

    /**
     * Reads one command from {@code node}, whose path in the request is {@code path} (for example
     * {@code commands[2]}); {@code exists} tells whether an entity a command names exists.
     *
     * @throws CommandException naming the first field that is missing, of the wrong type or out of bounds
     */
    public WorldCommand parse(JsonNode node, String path, LongPredicate exists) {
        if (node == null || !node.isObject()) {
            throw new CommandException(path, "a command is a JSON object with a \"kind\", got " + describe(node));
        }
        JsonNode kindNode = node.get("kind");
        if (kindNode == null || !kindNode.isTextual()) {
            throw new CommandException(path + ".kind", "required: the command's kind, one of " + kindNames()
                    + ", got " + describe(kindNode));
        }
        String kind = kindNode.asText();
        if (kind.equals(WorldCommand.SPAWN)) {
            return spawn(node, path);
        }
        if (kind.equals(WorldCommand.DESPAWN)) {
            refuseOthers(node, path, List.of("entity"));
            return new WorldCommand.Despawn(entity(node, path, exists));
        }
        WorldCore.DeclaredKind declared = core.kinds().get(kind);
        if (declared == null) {
            throw new CommandException(path + ".kind", "unknown command kind '" + kind + "'; the kinds are "
                    + kindNames());
        }
        List<String> allowed = new ArrayList<>(List.of("entity"));
        declared.kind().fields().forEach(field -> allowed.add(field.name()));
        refuseOthers(node, path, allowed);
        long entity = entity(node, path, exists);
        Map<String, Double> fields = new TreeMap<>();
        for (CommandField field : declared.kind().fields()) {
            fields.put(field.name(), number(node.get(field.name()), path + "." + field.name(), field));
        }
        return new WorldCommand.OnEntity(kind, entity, fields);
    }

    private WorldCommand.Spawn spawn(JsonNode node, String path) {
        refuseOthers(node, path, List.of("x", "y", "components"));
        WorldGeometry geometry = core.geometry();
        double x = number(node.get("x"), path + ".x",
                CommandField.number("x", 0, geometry.width(), "position"));
        double y = number(node.get("y"), path + ".y",
                CommandField.number("y", 0, geometry.height(), "position"));
        Map<String, Map<String, Double>> components = new TreeMap<>();
        JsonNode given = node.get("components");
        if (given != null && !given.isNull()) {
            if (!given.isObject()) {
                throw new CommandException(path + ".components", "an object of component set → column → value, "
                        + "got " + describe(given));
            }
            Iterator<Map.Entry<String, JsonNode>> sets = given.fields();
            while (sets.hasNext()) {
                Map.Entry<String, JsonNode> set = sets.next();
                components.put(set.getKey(), spawnColumns(set.getKey(), set.getValue(),
                        path + ".components." + set.getKey()));
            }
        }
        return new WorldCommand.Spawn(x, y, components);
    }

    private Map<String, Double> spawnColumns(String set, JsonNode columns, String path) {
        int s = setIndex(set);
        if (s < 0) {
            throw new CommandException(path, "no enabled component set '" + set + "'; enabled: "
                    + core.sets().stream().map(c -> c.name()).toList());
        }
        if (!columns.isObject()) {
            throw new CommandException(path, "an object of column → value, got " + describe(columns));
        }
        Map<String, CommandField> settable = new LinkedHashMap<>();
        core.spawnFields(s).forEach(field -> settable.put(field.name(), field));
        Map<String, Double> values = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> entries = columns.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            CommandField field = settable.get(entry.getKey());
            if (field == null) {
                throw new CommandException(path + "." + entry.getKey(), "a spawn cannot set this column of " + set
                        + "; it can set " + (settable.isEmpty() ? "none" : settable.keySet()));
            }
            values.put(field.name(), number(entry.getValue(), path + "." + entry.getKey(), field));
        }
        return values;
    }

    private int setIndex(String name) {
        for (int s = 0; s < core.sets().size(); s++) {
            if (core.sets().get(s).name().equals(name)) {
                return s;
            }
        }
        return -1;
    }

    private static long entity(JsonNode node, String path, LongPredicate exists) {
        JsonNode value = node.get("entity");
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new CommandException(path + ".entity", "required: an entity id, a whole number ≥ 0, got "
                    + describe(value));
        }
        long id = value.asLong();
        if (!exists.test(id)) {
            throw new CommandException(path + ".entity", "no entity " + id + " exists (it may have died or been "
                    + "despawned); GET /world/areas/{row}/{col}/entities lists the living");
        }
        return id;
    }

    private static double number(JsonNode value, String path, CommandField field) {
        if (value == null || value.isNull()) {
            throw new CommandException(path, "required: " + expected(field));
        }
        if (!value.isNumber()) {
            throw new CommandException(path, expected(field) + ", got " + describe(value));
        }
        double number = value.doubleValue();
        if (!Double.isFinite(number)) {
            throw new CommandException(path, "must be a finite number, got " + value.asText());
        }
        if (field.integer() && (!value.isIntegralNumber() || !value.canConvertToLong())) {
            throw new CommandException(path, "must be a whole number, got " + value.asText());
        }
        if (number < field.min() || number > field.max()) {
            throw new CommandException(path, "must be within " + bounds(field) + ", got " + value.asText());
        }
        return number;
    }

    private static String expected(CommandField field) {
        return (field.integer() ? "a whole number" : "a number") + " within " + bounds(field);
    }

    private static String bounds(CommandField field) {
        return field.integer() ? "[" + (long) field.min() + ", " + (long) field.max() + "]"
                : "[" + plain(field.min()) + ", " + plain(field.max()) + "]";
    }

    private static String plain(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }

    private static void refuseOthers(JsonNode node, String path, List<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!name.equals("kind") && !allowed.contains(name)) {
                throw new CommandException(path + "." + name, "unknown field; a " + node.get("kind").asText()
                        + " command takes " + String.join(", ", allowed));
            }
        }
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case STRING -> "the text " + node.toString();
            case NUMBER -> "the number " + node.asText();
            case BOOLEAN -> "the boolean " + node.asText();
            case NULL -> "null";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** The command as JSON, in the form {@link #parse} reads. */
    public ObjectNode encode(WorldCommand command) {
        ObjectNode node = NODES.objectNode();
        node.put("kind", command.kind());
        if (command instanceof WorldCommand.Spawn spawn) {
            node.put("x", spawn.x());
            node.put("y", spawn.y());
            if (!spawn.components().isEmpty()) {
                ObjectNode components = node.putObject("components");
                spawn.components().forEach((set, columns) -> {
                    ObjectNode ofSet = components.putObject(set);
                    Map<String, CommandField> fields = new LinkedHashMap<>();
                    int s = setIndex(set);
                    if (s >= 0) {
                        core.spawnFields(s).forEach(field -> fields.put(field.name(), field));
                    }
                    columns.forEach((column, value) -> put(ofSet, column, value, fields.get(column)));
                });
            }
        } else if (command instanceof WorldCommand.Despawn despawn) {
            node.put("entity", despawn.entity());
        } else {
            WorldCommand.OnEntity onEntity = (WorldCommand.OnEntity) command;
            node.put("entity", onEntity.entity());
            WorldCore.DeclaredKind declared = core.kinds().get(onEntity.kind());
            for (CommandField field : declared.kind().fields()) {
                put(node, field.name(), onEntity.field(field.name()), field);
            }
        }
        return node;
    }

    private static void put(ObjectNode node, String name, double value, CommandField field) {
        if (field != null && field.integer()) {
            node.put(name, (long) value);
        } else {
            node.put(name, value);
        }
    }

    /** Every kind, built-in ones first, with its fields: what {@code GET /world/commands} shows. */
    public List<KindInfo> kinds() {
        List<KindInfo> kinds = new ArrayList<>();
        WorldGeometry geometry = core.geometry();
        Map<String, List<CommandField>> spawnable = new LinkedHashMap<>();
        for (int s = 0; s < core.sets().size(); s++) {
            if (!core.spawnFields(s).isEmpty()) {
                spawnable.put(core.sets().get(s).name(), core.spawnFields(s));
            }
        }
        kinds.add(new KindInfo(WorldCommand.SPAWN, null, "a new entity at (x, y); components.<set>.<column> "
                + "overrides what a set may let a spawn set", List.of(
                        CommandField.number("x", 0, geometry.width(), "position along x"),
                        CommandField.number("y", 0, geometry.height(), "position along y")), spawnable));
        kinds.add(new KindInfo(WorldCommand.DESPAWN, null, "removes the entity from every set",
                List.of(), Map.of()));
        core.kinds().forEach((name, declared) -> kinds.add(new KindInfo(name,
                core.sets().get(declared.setIndex()).name(), declared.kind().description(), declared.kind().fields(),
                Map.of())));
        return kinds;
    }

    private List<String> kindNames() {
        List<String> names = new ArrayList<>(List.of(WorldCommand.SPAWN, WorldCommand.DESPAWN));
        names.addAll(core.kinds().keySet());
        return names;
    }

    /**
     * One kind of command.
     *
     * @param set            the component set that handles it; null for the built-in kinds
     * @param fields         the fields besides {@code kind} and {@code entity}
     * @param spawnComponents for {@code spawn}: the columns each set lets a spawn set
     */
    public record KindInfo(String kind, String set, String description, List<CommandField> fields,
                           Map<String, List<CommandField>> spawnComponents) {
    }

    /** The kind's declaration, for tests and tools. */
    public CommandKind kind(String name) {
        WorldCore.DeclaredKind declared = core.kinds().get(name);
        if (declared == null) {
            throw new IllegalArgumentException("no command kind '" + name + "'");
        }
        return declared.kind();
    }
}
