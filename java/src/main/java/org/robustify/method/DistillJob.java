package org.robustify.method;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.robustify.data.Batch;
import org.robustify.data.BatchPreparer;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.loss.DistillOptions;
import org.robustify.loss.DistillationLoss;
import org.robustify.model.BlockModel;
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.model.Parameters;
import org.robustify.model.branch.BranchLogits;
import org.robustify.model.branch.BranchedModel;
import org.robustify.model.freeze.FreezeSpec;
import org.robustify.runtime.Profiling;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.AdamOptimizer;
import org.robustify.train.RunModel;
import org.robustify.train.TrainConfig;
import org.robustify.train.TrainingJob;
import org.robustify.train.augment.BatchViews;

/**
 * Stage 2 of the method (docs: /work/shared/spec/method.md): the pre-trained student stays frozen and bit-identical;
 * a branch copying the tuned blocks carries two new heads, trained per batch of clean images x and augmented views
 * x̃ of the same images by
 * <pre>
 *   clean:  CE(h_clean(x), y)  + α·T²·w_o(x)·KL(softmax(h_orig(x)/T)  ‖ softmax(h_clean(x)/T))
 *   robust: CE(h_rob(x̃), y)   + β·T²·w_t(x̃)·KL(softmax(teacher(x̃)/T) ‖ softmax(h_rob(x̃)/T))
 * </pre>
 * with w = 1 − H(p)/log C of the soft target (the uncertainty weight), both terms in one call of the fused native
 * loss whose gradient goes straight into libtorch's autograd. x and x̃ share one forward pass (the frozen trunk runs
 * once for both). After training, {@link #finish} calibrates the head-selection thresholds on the held-out split.
 */
public final class DistillJob implements TrainingJob {
    private final DistillSettings settings;
    private final BranchedModel model;
    private final ImageClassifier teacher; // null: partial tuning without a teacher (ablation)
    private final AdamOptimizer optimizer;
    private final DistillOptions cleanTerm;
    private final DistillOptions robustTerm;
    private final ImageDataset heldOut;
    private final Map<String, Object> description = new LinkedHashMap<>();

    public static TrainingJob.Factory factory(DistillSettings settings) {
        return new TrainingJob.Factory() {
            @Override
            public String command() {
                return RunModel.DISTILL;
            }

            @Override
            public Map<String, Object> options() {
                return settings.asMap();
            }

            @Override
            public void validate() {
                settings.validate();
            }

            @Override
            public int heldOut() {
                return settings.calibrationImages();
            }

            @Override
            public TrainingJob create(TrainConfig config, ImageDataset train, ImageDataset heldOut) {
                return new DistillJob(config, settings, train, heldOut);
            }
        };
    }

    private DistillJob(TrainConfig config, DistillSettings settings, ImageDataset train, ImageDataset heldOut) {
        this.settings = settings;
        this.heldOut = heldOut;
        InputSpec spec = new InputSpec(train.channels(), train.height(), train.width(), train.numClasses());
        RunModel studentRun = RunModel.read(settings.student());
        ImageClassifier student = studentRun.build(spec);
        if (!(student instanceof BlockModel blocks)) {
            throw new RobustifyException("--student " + settings.student() + " is a " + student.architecture()
                    + ", which is not cut into blocks; the method needs a ResNet or ViT student");
        }
        FreezeSpec tune = FreezeSpec.parse(settings.tune());
        this.model = BranchedModel.create(blocks, tune, 0);
        if (settings.singleHead()) {
            Parameters.setRequiresGrad(model.clean, false);
        }
        if (settings.teacher() != null) {
            RunModel teacherRun = RunModel.read(settings.teacher());
            this.teacher = teacherRun.build(spec);
            Parameters.setRequiresGrad(teacher.module(), false);
            teacher.module().eval();
            checkCompatible(student, teacher, spec);
            description.put("teacher", teacherRun.describe());
            description.put("teacher_parameters", Parameters.count(teacher.module(), false));
        } else {
            this.teacher = null;
        }
        description.put("student", studentRun.describe());
        description.put("branch", model.report().asMap());
        description.put("tuned_blocks", model.tunedBlocks());
        DistillOptions base = DistillOptions.defaults().withTemperature(settings.temperature())
                .withWeighting(settings.weighting());
        this.cleanTerm = base.withKdWeight(settings.alpha());
        this.robustTerm = base.withKdWeight(teacher == null ? 0 : settings.beta());
        this.optimizer = AdamOptimizer.forTrainable(model, AdamOptimizer.Kind.parse(config.optimizer()),
                config.learningRate(), config.weightDecay());
    }

    /** Same classes and input: one forward of a blank image through both, before any training. */
    private static void checkCompatible(ImageClassifier student, ImageClassifier teacher, InputSpec spec) {
        try (var scope = new org.bytedeco.javacpp.PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor blank = torch.zeros(1, spec.channels(), spec.height(), spec.width());
            boolean wasTraining = student.module().is_training();
            student.module().eval();
            long studentClasses = student.forward(blank).size(1);
            student.module().train(wasTraining);
            long teacherClasses;
            try {
                teacherClasses = teacher.forward(blank).size(1);
            } catch (RuntimeException e) {
                throw new RobustifyException("the teacher (" + teacher.architecture() + ") cannot take the student's "
                        + spec.channels() + "x" + spec.height() + "x" + spec.width() + " inputs: " + e.getMessage(), e);
            }
            if (studentClasses != teacherClasses) {
                throw new RobustifyException("teacher and student disagree on the classes: the teacher predicts "
                        + teacherClasses + ", the student " + studentClasses);
            }
        }
    }

    @Override
    public BatchPreparer preparer(int epoch) {
        return BatchViews.preparer(settings.augmenter(), epoch, 1);
    }

    @Override
    public StepOutcome step(Batch batch, int epoch, long globalStep) {
        try (var range = Profiling.range("distill/step")) {
            BatchViews views = new BatchViews(batch, FashionMnist.MEAN, FashionMnist.STD);
            Tensor y = views.labels();
            Tensor x = views.clean();
            Tensor xa = views.augmented(settings.augmenter(), epoch, 0);
            long n = batch.size();
            optimizer.zeroGrad();
            BranchLogits all = model.forwardAll(torch.cat(new TensorVector(x, xa)), n);
            Tensor orig = all.orig();
            Tensor cleanLogits = settings.singleHead() ? all.robust().narrow(0, 0, n) : all.clean().narrow(0, 0, n);
            Tensor robustLogits = all.robust().narrow(0, n, n);
            Tensor teacherLogits;
            if (teacher != null) {
                try (NoGradGuard g = new NoGradGuard()) {
                    teacherLogits = teacher.forward(xa);
                }
            } else {
                teacherLogits = robustLogits.detach(); // KD weight 0: only the CE part counts
            }
            DistillationLoss.Result r = DistillationLoss.compute(y,
                    new DistillationLoss.Pair(cleanLogits, orig, cleanTerm),
                    new DistillationLoss.Pair(robustLogits, teacherLogits, robustTerm));
            r.backward();
            optimizer.step();
            long correct = robustLogits.argmax(new LongOptional(1), false).eq(y).sum().item_long();
            return new StepOutcome(r.total(), correct, n);
        }
    }

    @Override
    public Map<String, Object> finish(Path out) {
        return Calibrate.afterDistill(model, heldOut, settings, out);
    }

    @Override
    public Module module() {
        return model;
    }

    @Override
    public ImageClassifier evaluated() {
        return model;
    }

    @Override
    public AdamOptimizer optimizer() {
        return optimizer;
    }

    @Override
    public String architecture() {
        return model.architecture();
    }

    @Override
    public Map<String, Object> describe() {
        return description;
    }

    public BranchedModel model() {
        return model;
    }
}
