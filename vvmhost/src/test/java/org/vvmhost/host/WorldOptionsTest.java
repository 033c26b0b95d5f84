package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.service.WorldViewLocation;
import picocli.CommandLine;

/** The world options of {@code vvmhost run}: the config file, the overrides, the store; bad values exit 2. */
class WorldOptionsTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path directory;

    @Test
    void withoutOptionsTheBuiltInWorldBacksUpToTheElectionsData() {
        WorldOptions.WorldSettings world = parseRun(Map.of()).world();

        assertThat(world.service().config()).isEqualTo(WorldConfig.defaults());
        assertThat(world.location()).isEqualTo(new WorldViewLocation.InElection(WorldViewLocation.DEFAULT_PREFIX,
                world.service().storeTimeout()));
    }

    @Test
    void theConfigFileThenTheShorthandsAndDottedOverridesWin() throws IOException {
        Path config = Files.writeString(directory.resolve("world.yaml"), """
                world:
                  entities: 100000
                  areas: {rows: 4, cols: 4}
                  tick-rate: 20
                  backup-interval: 200
                """);

        WorldOptions.WorldSettings world = parseRun(Map.of("VVM_WORLD_TICK_RATE", "5"), "--world-config",
                config.toString(), "--world-entities", "5000", "--world-tick-rate", "max", "--world-set",
                "world.areas.rows=8", "--world-set", "world.backup-interval=50", "--world-store",
                "file:" + directory).world();

        WorldConfig parsed = world.service().config();
        assertThat(parsed.entities()).isEqualTo(5000);
        assertThat(parsed.tickRate().isMax()).isTrue();
        assertThat(parsed.areas()).isEqualTo(new WorldConfig.Areas(8, 4));
        assertThat(parsed.backupInterval()).isEqualTo(50);
        assertThat(world.location()).isEqualTo(new WorldViewLocation.InDirectory(directory));
    }

    @Test
    void aBadShorthandNamesItsOptionAndTheField() {
        assertThat(execute("run", "--world-entities", "-5")).isEqualTo(2);
        assertThat(err.toString()).contains("'--world-entities'", "world.entities", "-5");
    }

    @Test
    void aBadOverrideNamesTheField() {
        assertThat(execute("run", "--world-set", "world.areas.rows=0")).isEqualTo(2);
        assertThat(err.toString()).contains("'--world-set'", "world.areas.rows", "must be ≥ 1");
    }

    @Test
    void aBadFieldInTheConfigFileIsNamed() throws IOException {
        Path config = Files.writeString(directory.resolve("world.yaml"), "world: {backup-interval: 0}\n");

        assertThat(execute("run", "--world-config", config.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("'--world-config'", "world.backup-interval");
    }

    @Test
    void aMissingConfigFileIsAUsageError() {
        assertThat(execute("run", "--world-config", directory.resolve("absent.yaml").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("'--world-config'", "does not exist");
    }

    @Test
    void aWorldStoreOtherThanADirectoryIsAUsageError() {
        assertThat(execute("run", "--world-store", "s3://bucket")).isEqualTo(2);
        assertThat(err.toString()).contains("'--world-store'", "file:DIR");
    }

    private int execute(String... args) {
        return commandLine(Map.of()).execute(args);
    }

    private RunSettings parseRun(Map<String, String> environment, String... options) {
        CommandLine commandLine = commandLine(environment);
        String[] args = new String[options.length + 1];
        args[0] = "run";
        System.arraycopy(options, 0, args, 1, options.length);
        commandLine.parseArgs(args);
        RunCommand run = commandLine.getSubcommands().get("run").getCommand();
        return run.settings();
    }

    private CommandLine commandLine(Map<String, String> environment) {
        CommandLine commandLine = DaggerHostComponent.factory().create(new Environment(environment)).commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine;
    }
}
