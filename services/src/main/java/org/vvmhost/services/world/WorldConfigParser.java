package org.vvmhost.services.world;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Binds a world config document to records with Jackson, strictly (unknown fields, a text where a number belongs
 * and a fraction where a whole number belongs are all refused), then validates the records; every error names the
 * field's full path. Overrides ({@code world.entities=5000}) are merged into the document before binding.
 */
final class WorldConfigParser {

    private static final YAMLMapper YAML = YAMLMapper.builder(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    /** The document: every field optional. */
    record Document(WorldFields world) {
    }

    record WorldFields(Size size, Areas areas, Integer entities, Long seed, @JsonProperty("tick-rate") Object tickRate,
                 @JsonProperty("component-sets") Map<String, SetFields> componentSets,
                 @JsonProperty("passives-per-area") Integer passivesPerArea,
                 @JsonProperty("backup-interval") Integer backupInterval) {
    }

    record Size(Double width, Double height) {
    }

    record Areas(Integer rows, Integer cols) {
    }

    record SetFields(Integer simulators) {
    }

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
        for (Map.Entry<String, String> override : overrides.entrySet()) {
            applyOverride(document, override.getKey(), override.getValue());
        }
        Document bound;
        try {
            bound = YAML.treeToValue(document, Document.class);
        } catch (JsonProcessingException e) {
            throw translate(e, document);
        }
        return validate(bound.world() == null ? new WorldFields(null, null, null, null, null, null, null, null)
                : bound.world());
    }

    /** The records, with defaults for what is missing, into a config whose constructors check the rules. */
    private static WorldConfig validate(WorldFields world) {
        WorldConfig defaults = WorldConfig.defaults();
        Size size = world.size() == null ? new Size(null, null) : world.size();
        Areas areas = world.areas() == null ? new Areas(null, null) : world.areas();
        return new WorldConfig(
                new WorldConfig.Size(or(size.width(), defaults.size().width()),
                        or(size.height(), defaults.size().height())),
                new WorldConfig.Areas(or(areas.rows(), defaults.areas().rows()),
                        or(areas.cols(), defaults.areas().cols())),
                or(world.entities(), defaults.entities()), or(world.seed(), defaults.seed()),
                tickRate(world.tickRate(), defaults.tickRate()), componentSets(world.componentSets(), defaults),
                or(world.passivesPerArea(), defaults.passivesPerArea()),
                or(world.backupInterval(), defaults.backupInterval()));
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }

    private static float or(Double value, float fallback) {
        return value == null ? fallback : value.floatValue();
    }

    private static WorldConfig.TickRate tickRate(Object value, WorldConfig.TickRate fallback) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof String text && text.trim().equalsIgnoreCase("max")) {
            return WorldConfig.TickRate.MAX;
        }
        if (!(value instanceof Number hertz)) {
            throw new WorldConfigException("world.tick-rate", "must be a number of Hz > 0, or max, got '"
                    + (value instanceof String text ? text : "") + "'");
        }
        return new WorldConfig.TickRate(hertz.doubleValue());
    }

    private static Map<String, WorldConfig.SetConfig> componentSets(Map<String, SetFields> sets,
            WorldConfig defaults) {
        if (sets == null) {
            return defaults.componentSets();
        }
        Map<String, WorldConfig.SetConfig> result = new LinkedHashMap<>();
        sets.forEach((name, set) -> {
            try {
                result.put(name, new WorldConfig.SetConfig(set == null || set.simulators() == null ? 1
                        : set.simulators()));
            } catch (WorldConfigException e) {
                throw new WorldConfigException("world.component-sets." + name + "." + e.field(),
                        e.problem());
            }
        });
        return result;
    }

    /** A binding error as the field it is about and what that field must be. */
    private static WorldConfigException translate(JsonProcessingException error, JsonNode document) {
        String path = error instanceof JsonMappingException mapping ? mapping.getPath().stream()
                .map(reference -> reference.getFieldName() != null ? reference.getFieldName()
                        : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining(".")) : "world config";
        if (error instanceof UnrecognizedPropertyException unknown) {
            return new WorldConfigException(path, "unknown field; known fields: " + String.join(", ",
                    new TreeSet<>(unknown.getKnownPropertyIds().stream().map(String::valueOf).toList())));
        }
        JsonNode given = document.at("/" + path.replace(".", "/"));
        if (error.getCause() instanceof InputCoercionException || error instanceof InputCoercionException) {
            return new WorldConfigException(path, "must fit in 32 bits, got " + given.asText());
        }
        if (error instanceof MismatchedInputException mismatch) {
            Class<?> type = mismatch.getTargetType();
            String rule = type == Integer.class || type == Long.class ? "must be a whole number"
                    : type == Double.class ? "must be a number" : "must be a mapping";
            return new WorldConfigException(path, rule + ", got '" + given.asText() + "'");
        }
        return new WorldConfigException(path, error.getOriginalMessage());
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
                parent = i == 1 && parts[1].equals("component-sets") ? putDefaultSets(parent)
                        : parent.putObject(parts[i]);
            } else if (child.isObject()) {
                parent = (ObjectNode) child;
            } else {
                throw new WorldConfigException(String.join(".", Arrays.copyOf(parts, i + 1)),
                        "must be a mapping, got '" + child.asText() + "'");
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

    /**
     * Puts the default component sets under {@code world}, as a config would list them: an override of one set, on
     * a config that lists none, changes that set and keeps the others enabled.
     */
    private static ObjectNode putDefaultSets(ObjectNode world) {
        ObjectNode sets = world.putObject("component-sets");
        WorldConfig.defaults().componentSets().forEach((name, set) ->
                sets.putObject(name).put("simulators", set.simulators()));
        return sets;
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
