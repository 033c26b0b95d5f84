package org.vvmhost.services.world;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Walks the YAML tree by hand rather than binding it, so that every error names the full field path and unknown
 * fields are caught with the list of known ones.
 */
final class WorldConfigParser {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final Set<String> WORLD_FIELDS = Set.of("size", "areas", "entities", "seed", "tick-rate",
            "component-sets", "passives-per-area", "backup-interval");

    private WorldConfigParser() {
    }

    static WorldConfig load(Path file, Map<String, String> overrides) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new WorldConfigException("world config", "file " + file + " does not exist");
        } catch (IOException e) {
            throw new WorldConfigException("world config", "cannot read " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString(), overrides);
    }

    static WorldConfig parse(String yaml, String source, Map<String, String> overrides) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new WorldConfigException("world config",
                    source + " is not valid YAML: " + e.getOriginalMessage() + locationOf(e));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = JsonNodeFactory.instance.objectNode();
        }
        if (!root.isObject()) {
            throw new WorldConfigException("world config", source + " must be a mapping with a 'world' key");
        }
        ObjectNode document = (ObjectNode) root;
        requireKnown(document, "", Set.of("world"));
        for (Map.Entry<String, String> override : overrides.entrySet()) {
            applyOverride(document, override.getKey(), override.getValue());
        }
        JsonNode world = document.path("world");
        if (world.isMissingNode() || world.isNull()) {
            world = JsonNodeFactory.instance.objectNode();
        }
        return toConfig(object(world, "world"));
    }

    private static WorldConfig toConfig(ObjectNode world) {
        WorldConfig defaults = WorldConfig.defaults();
        requireKnown(world, "world", WORLD_FIELDS);

        ObjectNode size = optionalObject(world, "size", "world.size");
        requireKnown(size, "world.size", Set.of("width", "height"));
        float width = (float) number(size, "width", "world.size.width", defaults.size().width());
        float height = (float) number(size, "height", "world.size.height", defaults.size().height());

        ObjectNode areas = optionalObject(world, "areas", "world.areas");
        requireKnown(areas, "world.areas", Set.of("rows", "cols"));
        int rows = integer(areas, "rows", "world.areas.rows", defaults.areas().rows());
        int cols = integer(areas, "cols", "world.areas.cols", defaults.areas().cols());

        int entities = integer(world, "entities", "world.entities", defaults.entities());
        long seed = longInteger(world, "seed", "world.seed", defaults.seed());
        WorldConfig.TickRate tickRate = tickRate(world.get("tick-rate"), defaults.tickRate());
        Map<String, WorldConfig.SetConfig> sets = componentSets(world.get("component-sets"), defaults);
        int passives = integer(world, "passives-per-area", "world.passives-per-area", defaults.passivesPerArea());
        int backup = integer(world, "backup-interval", "world.backup-interval", defaults.backupInterval());

        return new WorldConfig(new WorldConfig.Size(width, height), new WorldConfig.Areas(rows, cols), entities,
                seed, tickRate, sets, passives, backup);
    }

    private static WorldConfig.TickRate tickRate(JsonNode node, WorldConfig.TickRate fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (node.isTextual() && node.asText().trim().equalsIgnoreCase("max")) {
            return WorldConfig.TickRate.MAX;
        }
        if (!node.isNumber()) {
            throw new WorldConfigException("world.tick-rate",
                    "must be a number of Hz > 0, or max, got '" + node.asText() + "'");
        }
        return new WorldConfig.TickRate(node.asDouble());
    }

    private static Map<String, WorldConfig.SetConfig> componentSets(JsonNode node, WorldConfig defaults) {
        if (node == null || node.isNull()) {
            return defaults.componentSets();
        }
        ObjectNode sets = object(node, "world.component-sets");
        Map<String, WorldConfig.SetConfig> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : sets.properties()) {
            String path = "world.component-sets." + entry.getKey();
            JsonNode value = entry.getValue();
            ObjectNode set = value == null || value.isNull()
                    ? JsonNodeFactory.instance.objectNode() : object(value, path);
            requireKnown(set, path, Set.of("simulators"));
            int simulators = integer(set, "simulators", path + ".simulators", 1);
            try {
                result.put(entry.getKey(), new WorldConfig.SetConfig(simulators));
            } catch (WorldConfigException e) {
                throw new WorldConfigException(path + "." + e.field(),
                        e.getMessage().substring(e.field().length() + 2));
            }
        }
        return result;
    }

    private static void applyOverride(ObjectNode document, String dottedPath, String value) {
        String[] parts = dottedPath.split("\\.");
        if (parts.length < 2 || !parts[0].equals("world")) {
            throw new WorldConfigException(dottedPath, "an override must name a field under 'world.', "
                    + "for example world.entities=100000");
        }
        ObjectNode parent = document;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = parent.get(parts[i]);
            if (child == null || child.isNull()) {
                parent = parent.putObject(parts[i]);
            } else {
                parent = object(child, String.join(".", java.util.Arrays.copyOf(parts, i + 1)));
            }
        }
        JsonNode parsed;
        try {
            parsed = YAML.readTree(value);
        } catch (JsonProcessingException e) {
            throw new WorldConfigException(dottedPath, "the override value '" + value + "' is not valid YAML");
        }
        parent.set(parts[parts.length - 1], parsed == null ? JsonNodeFactory.instance.nullNode() : parsed);
    }

    private static ObjectNode object(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new WorldConfigException(path, "must be a mapping, got '" + node.asText() + "'");
        }
        return (ObjectNode) node;
    }

    private static ObjectNode optionalObject(ObjectNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        return node == null || node.isNull() ? JsonNodeFactory.instance.objectNode() : object(node, path);
    }

    private static void requireKnown(ObjectNode node, String path, Set<String> known) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new WorldConfigException(path.isEmpty() ? name : path + "." + name,
                        "unknown field; known fields: " + String.join(", ", new java.util.TreeSet<>(known)));
            }
        }
    }

    private static double number(ObjectNode parent, String field, String path, double fallback) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber()) {
            throw new WorldConfigException(path, "must be a number, got '" + node.asText() + "'");
        }
        return node.asDouble();
    }

    private static int integer(ObjectNode parent, String field, String path, int fallback) {
        long value = longInteger(parent, field, path, fallback);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new WorldConfigException(path, "must fit in 32 bits, got " + value);
        }
        return (int) value;
    }

    private static long longInteger(ObjectNode parent, String field, String path, long fallback) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new WorldConfigException(path, "must be a whole number, got '" + node.asText() + "'");
        }
        return node.asLong();
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
