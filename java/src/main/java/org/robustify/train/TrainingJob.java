package org.robustify.train;

import java.nio.file.Path;
import java.util.Map;

import org.bytedeco.pytorch.Module;
import org.robustify.data.Batch;
import org.robustify.data.BatchPreparer;
import org.robustify.data.ImageDataset;
import org.robustify.model.ImageClassifier;

/**
 * What a {@link Trainer} run trains: the loop (epochs, data order, schedule, checkpoints, resume, metrics, progress)
 * is the same for every command; a job supplies the model, the optimiser and what one step does. Plain supervised
 * training, AugMix fine-tuning and the method's distillation are jobs.
 */
public interface TrainingJob {
    /** Builds a job once the data is loaded and libtorch's generator is seeded. */
    interface Factory {
        /** The command name recorded in the manifest ("train", "teacher", "distill", ...). */
        String command();

        /** Job-specific settings: recorded in the manifest's config and compared on --resume. */
        Map<String, Object> options();

        /** Checks that need no data (missing files, contradictory options): called before anything is loaded. */
        default void validate() {}

        /** Images held out from the end of the training set (not trained on) for the job's own use, e.g. calibration. */
        default int heldOut() {
            return 0;
        }

        /** {@code heldOut} is empty unless {@link #heldOut()} asked for images. */
        TrainingJob create(TrainConfig config, ImageDataset train, ImageDataset heldOut);
    }

    /** One step's numbers for the progress line and the epoch's metrics. */
    record StepOutcome(float loss, long correct, long seen) {}

    /** Everything checkpoints save and resume restores (parameters and buffers). */
    Module module();

    /** The model the per-epoch test accuracy is measured on. */
    ImageClassifier evaluated();

    AdamOptimizer optimizer();

    /**
     * Work on epoch {@code epoch}'s batches that may run ahead of the trainer on the loader's thread (the augmented
     * views), or null for none. {@link #step} must give the same result with or without it.
     */
    default BatchPreparer preparer(int epoch) {
        return null;
    }

    /** Forward, backward and optimiser step on one batch; called inside the step's PointerScope. */
    StepOutcome step(Batch batch, int epoch, long globalStep);

    /** The architecture name written beside checkpoints. */
    String architecture();

    /** Manifest additions: parameter counts, what was loaded, the teacher, ... */
    Map<String, Object> describe();

    /** Work after the last epoch (e.g. threshold calibration), writing into {@code out}; returns manifest additions. */
    default Map<String, Object> finish(Path out) {
        return Map.of();
    }
}
