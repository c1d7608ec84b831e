package org.robustify.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.robustify.data.FashionMnist;
import org.robustify.method.WiseFt;
import org.robustify.method.WiseRun;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "wise", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "WiSE-FT: interpolate the weights of a pre-trained run and its fine-tuned run, "
                + "theta = (1 - a) theta_pre + a theta_ft; one run folder per a (OUT/a-0.50/), and OUT/wise.json with "
                + "each model's clean test accuracy.")
final class WiseCommand implements Callable<Integer> {
    @Option(names = "--pre", required = true, paramLabel = "RUN", description = "The pre-trained run.")
    Path pre;

    @Option(names = "--ft", required = true, paramLabel = "RUN", description = "The fine-tuned run.")
    Path ft;

    @Option(names = "--alpha", split = ",", paramLabel = "A", description = "Mixing coefficients in [0, 1] "
            + "(default 0.5).")
    List<Double> alphas;

    @Option(names = "--sweep", paramLabel = "N", description = "Instead: N + 1 evenly spaced coefficients 0, 1/N, ..., 1.")
    Integer sweep;

    @Mixin
    DataDirOption data;

    @Option(names = "--eval-batch-size", defaultValue = "500")
    int evalBatchSize;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        if (sweep != null && alphas != null) {
            throw new RobustifyException("give --alpha or --sweep, not both");
        }
        List<Double> a = sweep != null ? WiseFt.sweep(sweep) : alphas != null ? alphas : List.of(0.5);
        NativeRuntime.init(threads.resolve());
        var test = FashionMnist.load(FashionMnist.resolveDir(data.dir), FashionMnist.Split.TEST);
        WiseRun.run(pre, ft, a, out, test, evalBatchSize);
        System.out.println("WiSE-FT models and " + WiseRun.SUMMARY + " in " + out);
        return 0;
    }
}
