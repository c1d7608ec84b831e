package org.robustify.method;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustify.model.BlockModel;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelOptions;
import org.robustify.model.ModelZoo;
import org.robustify.model.branch.BranchedModel;

/** Small Fashion-MNIST-shaped models for the method's tests. */
final class MethodFixtures {
    static final InputSpec FASHION = new InputSpec(1, 28, 28, 10);

    private MethodFixtures() {}

    static BlockModel resnet18(long seed) {
        torch.manual_seed(seed);
        BlockModel m = (BlockModel) ModelZoo.create("resnet18", FASHION, new ModelOptions("imagenet", 0, 0));
        m.module().eval();
        return m;
    }

    /** A branch over the last 2 blocks, in eval mode; heads equal the original's. */
    static BranchedModel branched(long seed) {
        BranchedModel b = BranchedModel.create(resnet18(seed), 2);
        b.eval();
        return b;
    }

    /** Moves the robust head away from the clean one so the heads disagree on some rows. */
    static void perturbRobustHead(BranchedModel b, long seed, double scale) {
        torch.manual_seed(seed);
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor w = b.robust.weight();
            w.add_(torch.randn(w.size(0), w.size(1)).mul(new Scalar(scale)));
        }
    }
}
