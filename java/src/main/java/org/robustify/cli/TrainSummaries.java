package org.robustify.cli;

import java.nio.file.Path;
import java.util.Locale;

import org.robustify.dist.DistEnv;
import org.robustify.train.Trainer;

/** The last line a training command prints: where things stand and where the results are. */
final class TrainSummaries {
    private TrainSummaries() {}

    static int print(Trainer.Summary s, Path out) {
        if (!DistEnv.fromEnvironment().writes()) {
            return 0; // in a data-parallel job rank 0 reports for all
        }
        if (s.stopped()) {
            System.out.printf(Locale.ROOT, "stopped after %d steps as asked; continue with --resume --out %s%n",
                    s.steps(), out);
            return 0;
        }
        System.out.printf(Locale.ROOT, "test accuracy %.4f (loss %.4f) after %d steps, %.1f s of training; "
                + "results in %s%n", s.testAccuracy(), s.testLoss(), s.steps(), s.trainSeconds(), out);
        return 0;
    }
}
