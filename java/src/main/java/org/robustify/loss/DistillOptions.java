package org.robustify.loss;

import org.robustify.runtime.RobustifyException;

/**
 * Options of one distillation term (see {@link DistillationLoss}). Defaults: T = 4, lambda = 1, CE weight 1, no label
 * smoothing, teacher logits, uniform KD weights, mean reduction, ignore index -100 (PyTorch's).
 */
public record DistillOptions(double temperature, double kdWeight, double ceWeight, double labelSmoothing,
        TeacherKind teacher, Weighting weighting, Reduction reduction, long ignoreIndex) {

    public enum TeacherKind { LOGITS, PROBABILITIES }

    /** The KD weight w of each row: 1; 1 - H(q)/log C; that, zeroed where argmax teacher != label; or given. */
    public enum Weighting { UNIFORM, ENTROPY, ENTROPY_CORRECT, GIVEN }

    /** MEAN divides by the non-ignored rows; NONE keeps per-row losses (backward then sums them). */
    public enum Reduction { MEAN, SUM, NONE }

    public DistillOptions {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new RobustifyException("temperature must be > 0; got " + temperature);
        }
        if (!(kdWeight >= 0) || !(ceWeight >= 0)) {
            throw new RobustifyException("kd and CE weights must be >= 0; got " + kdWeight + " and " + ceWeight);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new RobustifyException("label smoothing must be in [0, 1]; got " + labelSmoothing);
        }
        if (teacher == null || weighting == null || reduction == null) {
            throw new RobustifyException("teacher kind, weighting and reduction must be set");
        }
    }

    public static DistillOptions defaults() {
        return new DistillOptions(4.0, 1.0, 1.0, 0.0, TeacherKind.LOGITS, Weighting.UNIFORM, Reduction.MEAN, -100);
    }

    public DistillOptions withTemperature(double t) {
        return new DistillOptions(t, kdWeight, ceWeight, labelSmoothing, teacher, weighting, reduction, ignoreIndex);
    }

    public DistillOptions withKdWeight(double w) {
        return new DistillOptions(temperature, w, ceWeight, labelSmoothing, teacher, weighting, reduction, ignoreIndex);
    }

    public DistillOptions withCeWeight(double w) {
        return new DistillOptions(temperature, kdWeight, w, labelSmoothing, teacher, weighting, reduction, ignoreIndex);
    }

    public DistillOptions withLabelSmoothing(double e) {
        return new DistillOptions(temperature, kdWeight, ceWeight, e, teacher, weighting, reduction, ignoreIndex);
    }

    public DistillOptions withTeacher(TeacherKind k) {
        return new DistillOptions(temperature, kdWeight, ceWeight, labelSmoothing, k, weighting, reduction, ignoreIndex);
    }

    public DistillOptions withWeighting(Weighting w) {
        return new DistillOptions(temperature, kdWeight, ceWeight, labelSmoothing, teacher, w, reduction, ignoreIndex);
    }

    public DistillOptions withReduction(Reduction r) {
        return new DistillOptions(temperature, kdWeight, ceWeight, labelSmoothing, teacher, weighting, r, ignoreIndex);
    }

    public DistillOptions withIgnoreIndex(long i) {
        return new DistillOptions(temperature, kdWeight, ceWeight, labelSmoothing, teacher, weighting, reduction, i);
    }
}
