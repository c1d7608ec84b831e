package org.robustify.cli;

import picocli.CommandLine.Option;

/**
 * {@code --nproc N} of the commands that run data-parallel (picocli mixin). The launch itself happens in
 * {@link RobustifyCli}'s execution strategy, before the command runs, so every such command gets it the same way.
 */
final class LaunchOption {
    static final String NAME = "--nproc";

    @Option(names = NAME, defaultValue = "1", paramLabel = "N", description = "Run as N data-parallel worker "
            + "processes on this machine (Gloo over loopback; each gets cores/N threads unless --threads is given). "
            + "Under torchrun or another launcher, leave it out: RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT are read "
            + "from the environment.")
    int nproc;
}
