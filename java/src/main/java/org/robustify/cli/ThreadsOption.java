package org.robustify.cli;

import org.robustify.runtime.NativeRuntime;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The --threads option of every command that runs native or libtorch work (picocli mixin). */
final class ThreadsOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--threads", description = "Threads for libtorch and the native core (default: cores, or "
            + "$ROBUSTIFY_THREADS).")
    Integer threads;

    /** The thread count to use; a usage error (exit 2) for a count below 1. */
    int resolve() {
        if (threads == null) {
            return NativeRuntime.defaultThreads();
        }
        if (threads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be >= 1; got " + threads);
        }
        return threads;
    }
}
