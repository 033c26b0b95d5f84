package org.vvmhost.host;

import java.util.Optional;
import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest's {@code Implementation-Version}, which the build writes. */
final class ManifestVersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {
            "vvmhost " + version(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
        };
    }

    static String version() {
        return Optional.ofNullable(Main.class.getPackage().getImplementationVersion())
                .orElse("(development build, not run from the jar)");
    }
}
