package org.vvmhost.host;

import java.util.Map;
import javax.inject.Inject;
import javax.inject.Provider;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/** Lets picocli build commands through Dagger; everything else (converters, mixins) picocli builds itself. */
final class CommandFactory implements IFactory {

    private final Map<Class<?>, Provider<Object>> commands;

    @Inject
    CommandFactory(Map<Class<?>, Provider<Object>> commands) {
        this.commands = commands;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        Provider<Object> command = commands.get(type);
        return command != null ? type.cast(command.get()) : CommandLine.defaultFactory().create(type);
    }
}
