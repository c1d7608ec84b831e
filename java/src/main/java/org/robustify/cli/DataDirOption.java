package org.robustify.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** The --data option of every command that reads Fashion-MNIST (picocli mixin). */
final class DataDirOption {
    @Option(names = "--data", paramLabel = "DIR", description = "Folder with the Fashion-MNIST IDX files "
            + "(default: $ROBUSTIFY_FASHION_MNIST or /usr/share/datasets/fashion-mnist).")
    Path dir;
}
