package org.vvmhost.host;

/** The {@code vvmhost} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line in this JVM and returns its exit code (see {@link ExitCode}). */
    public static int run(String... args) {
        return DaggerHostComponent.factory().create(Environment.system()).commandLine().execute(args);
    }
}
