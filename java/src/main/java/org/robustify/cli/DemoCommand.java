package org.robustify.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.robustify.demo.Demo;
import org.robustify.demo.DemoPlan;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "The method against its baselines on Fashion-MNIST, end to end: pre-train the student (cached), "
                + "train the robust teacher, distil, fine-tune with AugMix, WiSE-FT, partial tuning without a "
                + "teacher; evaluate each on clean data and 15 corruptions x 5 severities; write results.json, "
                + "results.md and accuracy_vs_time.png. Rerun the same command to continue an interrupted demo.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Smaller slices: a check in minutes rather than the full comparison.")
    boolean quick;

    @Option(names = "--ablations", description = "Also run and report the ablations (no uncertainty weights, single "
            + "head).")
    boolean ablations;

    @Option(names = "--teacher", paramLabel = "MODEL", description = "Teacher architecture (ablation: teacher size; "
            + "default: the plan's).")
    String teacher;

    @Option(names = "--teacher-epochs", description = "Teacher epochs (default: the plan's).")
    Integer teacherEpochs;

    @Option(names = "--tune", paramLabel = "SPEC", description = "Blocks the method's branch copies (ablation: "
            + "different k; default: the plan's).")
    String tune;

    @Option(names = "--distill-epochs", description = "Distillation epochs (default: the plan's).")
    Integer distillEpochs;

    @Option(names = "--finetune-epochs", description = "AugMix complete fine-tuning epochs (default: the plan's).")
    Integer finetuneEpochs;

    @Option(names = "--suite-images", description = "Test images of the corruption suite (default: the plan's).")
    Integer suiteImages;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (every stage's run "
            + "folder, the evaluations and the results).")
    Path out;

    @Option(names = "--cache", paramLabel = "DIR", description = "Where the pre-trained student is kept for later "
            + "runs (default: $XDG_CACHE_HOME/robustify or ~/.cache/robustify).")
    Path cache;

    @Mixin
    DataDirOption data;

    @Option(names = "--seed", defaultValue = "0", description = "Seeds every stage.")
    long seed;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        DemoPlan plan = quick ? DemoPlan.quick() : DemoPlan.full();
        if (teacher != null || teacherEpochs != null) {
            plan = plan.withTeacher(teacher != null ? teacher : plan.teacher(),
                    teacherEpochs != null ? teacherEpochs : plan.teacherEpochs());
        }
        if (tune != null || distillEpochs != null) {
            plan = plan.withTune(tune != null ? tune : plan.tune(),
                    distillEpochs != null ? distillEpochs : plan.distillEpochs());
        }
        if (finetuneEpochs != null) {
            plan = plan.withFinetuneEpochs(finetuneEpochs);
        }
        if (suiteImages != null) {
            plan = plan.withSuiteImages(suiteImages);
        }
        Map<String, Object> r = new Demo(plan, out, cache != null ? cache : defaultCache(), data.dir, seed,
                threads.resolve(), ablations).run();
        System.out.printf(Locale.ROOT, "demo (%s) done in %.0f s: see %s, %s and %s in %s%n", plan.name(),
                ((Number) r.get("demo_seconds")).doubleValue(), Demo.RESULTS_MD, Demo.RESULTS_JSON, Demo.PLOT, out);
        return 0;
    }

    private static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("robustify");
    }
}
