package org.vvmhost.services.world.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.WorldConfig;

/** Every rule a command is checked against, with the message that names its field; and the JSON round trip. */
class CommandCatalogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CommandCatalog CATALOG = CommandCatalog.of(WorldConfig.defaults(),
            ComponentSetRegistry.builtIn());
    /** Entities 0..99 exist. */
    private static final LongPredicate EXISTS = id -> id < 100;

    private static WorldCommand parse(String json) throws Exception {
        return CATALOG.parse(JSON.readTree(json), "commands[0]", EXISTS);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            [1, 2]                                              | commands[0]: a command is a JSON object with a "kind", got an array
            {}                                                  | commands[0].kind: required: the command's kind, one of [spawn, despawn, damage, heal, impulse, set-velocity], got nothing
            {"kind": 7}                                         | commands[0].kind: required: the command's kind, one of [spawn, despawn, damage, heal, impulse, set-velocity], got the number 7
            {"kind": "explode", "entity": 1}                    | commands[0].kind: unknown command kind 'explode'; the kinds are [spawn, despawn, damage, heal, impulse, set-velocity]
            {"kind": "damage", "amount": 5}                     | commands[0].entity: required: an entity id, a whole number ≥ 0, got nothing
            {"kind": "damage", "entity": "7", "amount": 5}      | commands[0].entity: required: an entity id, a whole number ≥ 0, got the text "7"
            {"kind": "damage", "entity": -1, "amount": 5}       | commands[0].entity: required: an entity id, a whole number ≥ 0, got the number -1
            {"kind": "damage", "entity": 1.5, "amount": 5}      | commands[0].entity: required: an entity id, a whole number ≥ 0, got the number 1.5
            {"kind": "damage", "entity": 100, "amount": 5}      | commands[0].entity: no entity 100 exists (it may have died or been despawned); GET /world/areas/{row}/{col}/entities lists the living
            {"kind": "damage", "entity": 1}                     | commands[0].amount: required: a whole number within [0, 1000000]
            {"kind": "damage", "entity": 1, "amount": null}     | commands[0].amount: required: a whole number within [0, 1000000]
            {"kind": "damage", "entity": 1, "amount": "5"}      | commands[0].amount: a whole number within [0, 1000000], got the text "5"
            {"kind": "damage", "entity": 1, "amount": -5}       | commands[0].amount: must be within [0, 1000000], got -5
            {"kind": "damage", "entity": 1, "amount": 2.5}      | commands[0].amount: must be a whole number, got 2.5
            {"kind": "heal", "entity": 1, "amount": 1e400}      | commands[0].amount: must be a finite number, got Infinity
            {"kind": "damage", "entity": 1, "amount": 5, "x": 1} | commands[0].x: unknown field; a damage command takes entity, amount
            {"kind": "set-velocity", "entity": 1, "vx": 1001, "vy": 0} | commands[0].vx: must be within [-1000, 1000], got 1001
            {"kind": "impulse", "entity": 1, "dvx": 0, "dvy": true}    | commands[0].dvy: a number within [-1000, 1000], got the boolean true
            {"kind": "despawn"}                                 | commands[0].entity: required: an entity id, a whole number ≥ 0, got nothing
            {"kind": "despawn", "entity": 1, "now": true}       | commands[0].now: unknown field; a despawn command takes entity
            {"kind": "spawn", "y": 5}                           | commands[0].x: required: a number within [0, 1000]
            {"kind": "spawn", "x": 5, "y": 1000.5}              | commands[0].y: must be within [0, 1000], got 1000.5
            {"kind": "spawn", "x": -0.1, "y": 5}                | commands[0].x: must be within [0, 1000], got -0.1
            {"kind": "spawn", "x": 1, "y": 1, "entity": 3}      | commands[0].entity: unknown field; a spawn command takes x, y, components
            {"kind": "spawn", "x": 1, "y": 1, "components": 3}  | commands[0].components: an object of component set → column → value, got the number 3
            {"kind": "spawn", "x": 1, "y": 1, "components": {"magic": {}}}               | commands[0].components.magic: no enabled component set 'magic'; enabled: [physics, vitality]
            {"kind": "spawn", "x": 1, "y": 1, "components": {"physics": []}}             | commands[0].components.physics: an object of column → value, got an array
            {"kind": "spawn", "x": 1, "y": 1, "components": {"physics": {"x": 3}}}       | commands[0].components.physics.x: a spawn cannot set this column of physics; it can set [vx, vy]
            {"kind": "spawn", "x": 1, "y": 1, "components": {"vitality": {"health": 0}}} | commands[0].components.vitality.health: must be within [1, 100], got 0
            """)
    void aBadCommandIsRefusedWithAMessageThatNamesItsField(String json, String message) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(CommandException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(message).startsWith(((CommandException) e).field() + ": "));
    }

    @Test
    void goodCommandsReadAndWriteBackTheSameJson() throws Exception {
        for (String json : new String[] {
                "{\"kind\":\"spawn\",\"x\":1.5,\"y\":1000.0,\"components\":{\"physics\":{\"vx\":-2.0,\"vy\":0.5},"
                        + "\"vitality\":{\"health\":40}}}",
                "{\"kind\":\"spawn\",\"x\":0.0,\"y\":3.0}",
                "{\"kind\":\"despawn\",\"entity\":99}",
                "{\"kind\":\"damage\",\"entity\":7,\"amount\":30}",
                "{\"kind\":\"heal\",\"entity\":7,\"amount\":1000000}",
                "{\"kind\":\"set-velocity\",\"entity\":0,\"vx\":-1000.0,\"vy\":2.5}",
                "{\"kind\":\"impulse\",\"entity\":0,\"dvx\":1.0,\"dvy\":-1.0}"}) {
            WorldCommand command = parse(json);
            JsonNode written = CATALOG.encode(command);
            assertThat(JSON.writeValueAsString(written)).isEqualTo(json);
            assertThat(CATALOG.parse(written, "again", EXISTS)).isEqualTo(command);
        }
        assertThat(parse("{\"kind\":\"damage\",\"entity\":7,\"amount\":30}"))
                .isEqualTo(new WorldCommand.OnEntity("damage", 7, Map.of("amount", 30.0)));
    }

    @Test
    void theKindsListNamesEverySetsKindsAndTheirFields() {
        assertThat(CATALOG.kinds()).extracting(CommandCatalog.KindInfo::kind)
                .containsExactly("spawn", "despawn", "damage", "heal", "impulse", "set-velocity");
        assertThat(CATALOG.kinds().get(2).set()).isEqualTo("vitality");
        assertThat(CATALOG.kinds().get(0).spawnComponents()).containsOnlyKeys("physics", "vitality");
    }
}
