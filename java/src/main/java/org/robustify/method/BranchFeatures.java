package org.robustify.method;

import java.util.function.Function;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.robustify.model.branch.BranchedModel;

/**
 * The features a {@link BranchedModel}'s clean and robust heads see, [N, featureDim], without autograd, for
 * frozen-feature probes: {@code model.clean.forward(features(x))} equals {@code forwardAll(x).clean()}.
 */
public final class BranchFeatures implements Function<Tensor, Tensor> {
    private final BranchedModel model;

    public BranchFeatures(BranchedModel model) {
        this.model = model;
    }

    @Override
    public Tensor apply(Tensor images) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            return model.branchFeatures(images);
        }
    }
}
