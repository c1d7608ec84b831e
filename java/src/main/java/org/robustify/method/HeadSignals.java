package org.robustify.method;

import java.util.Arrays;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.model.branch.BranchLogits;
import org.robustify.runtime.RobustifyException;

/**
 * The two per-row routing signals of head selection, from one pass's clean and robust logits:
 * {@code u = H(p_c) / log C} (normalised entropy of the clean head, in [0, 1]) and {@code d = KL(p_r || p_c)}.
 * Both are float32 tensors of shape [N]. Computed from log-softmaxes, so no probability underflows into a NaN.
 * Calibration and {@link HeadSelector} both use this one function, which is what makes the calibrated accuracy
 * exactly the selector's.
 */
public record HeadSignals(Tensor uncertainty, Tensor divergence) {

    public static HeadSignals of(BranchLogits logits) {
        return of(logits.clean(), logits.robust());
    }

    public static HeadSignals of(Tensor clean, Tensor robust) {
        if (clean.dim() != 2 || !clean.is_same_size(robust)) {
            throw new RobustifyException("head selection needs clean and robust logits of the same shape [N, C]; got "
                    + shape(clean) + " and " + shape(robust));
        }
        long classes = clean.size(1);
        if (classes < 2) {
            throw new RobustifyException("head selection needs at least 2 classes; got " + classes);
        }
        Tensor logPc = clean.to(ScalarType.Float).log_softmax(1);
        Tensor logPr = robust.to(ScalarType.Float).log_softmax(1);
        Tensor entropy = logPc.exp().mul(logPc).sum(1).neg();
        Tensor u = entropy.div(new Scalar(Math.log(classes)));
        Tensor d = logPr.exp().mul(logPr.sub(logPc)).sum(1);
        return new HeadSignals(u, d);
    }

    /** Rows sent to the robust head: {@code u > tauU || d > tauD}, compared in float32 (as calibration does). */
    public Tensor routeToRobust(double tauU, double tauD) {
        return uncertainty.gt(new Scalar((double) (float) tauU))
                .logical_or(divergence.gt(new Scalar((double) (float) tauD)));
    }

    private static String shape(Tensor t) {
        return Arrays.toString(t.sizes().vec().get());
    }
}
