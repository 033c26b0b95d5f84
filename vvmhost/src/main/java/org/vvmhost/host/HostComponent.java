package org.vvmhost.host;

import dagger.BindsInstance;
import dagger.Component;
import picocli.CommandLine;

/** The process's object graph. It exposes the command line; {@code run} builds a {@link RunComponent} per run. */
@Component(modules = HostModule.class)
interface HostComponent {

    CommandLine commandLine();

    @Component.Factory
    interface Factory {
        HostComponent create(@BindsInstance Environment environment);
    }
}
