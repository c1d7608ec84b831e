package org.robustify.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.robustify.attack.AttackOptions;
import org.robustify.attack.Attacks;
import org.robustify.method.HeadPolicy;
import org.robustify.model.BlockModel;
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelOptions;
import org.robustify.model.ModelZoo;
import org.robustify.model.Parameters;
import org.robustify.model.branch.BranchLogits;
import org.robustify.model.branch.BranchedModel;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;

class BranchHeadModelTest {
    private static final InputSpec SPEC = new InputSpec(1, 28, 28, 10);
    private static final ModelOptions OPTIONS = new ModelOptions("imagenet", 0, 0);

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    /** A resnet18 branched over its last 2 blocks, with branch and robust head moved away from the original. */
    private static BranchedModel branched() {
        torch.manual_seed(5);
        BlockModel original = (BlockModel) ModelZoo.create("resnet18", SPEC, OPTIONS);
        original.module().eval();
        BranchedModel b = BranchedModel.create(original, 2);
        b.eval();
        try (NoGradGuard g = new NoGradGuard()) {
            for (var e : Parameters.named(b.module()).entrySet()) {
                if (e.getKey().startsWith("branch.") || e.getKey().startsWith("robust.")) {
                    e.getValue().add_(torch.randn_like(e.getValue()).mul(new Scalar(0.05)));
                }
            }
        }
        return b;
    }

    private static double maxDiff(Tensor a, Tensor b) {
        return a.sub(b).abs().max().item_double();
    }

    @Test
    void viewsGiveTheHeadsLogitsWithInputGradients() {
        BranchedModel b = branched();
        Map<String, Tensor> before = new LinkedHashMap<>();
        Parameters.named(b.module()).forEach((n, t) -> before.put(n, t.detach().clone()));
        ImageClassifier clean = BranchHeadModel.of(b, HeadPolicy.CLEAN, "resnet18", OPTIONS, SPEC);
        ImageClassifier robust = BranchHeadModel.of(b, HeadPolicy.ROBUST, "resnet18", OPTIONS, SPEC);
        assertSame(b.original(), BranchHeadModel.of(b, HeadPolicy.ORIG, "resnet18", OPTIONS, SPEC));
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(9);
            Tensor x = torch.rand(6, 1, 28, 28);
            float[] mean = {0.5f};
            float[] std = {0.25f};
            Tensor normalised = Attacks.normalize(x, mean, std);
            try (NoGradGuard g = new NoGradGuard()) {
                BranchLogits all = b.forwardAll(normalised);
                assertTrue(maxDiff(all.clean(), clean.forward(normalised)) < 1e-4);
                assertTrue(maxDiff(all.robust(), robust.forward(normalised)) < 1e-4);
                assertTrue(maxDiff(all.robust(), all.clean()) > 1e-3, "the fixture's heads should differ");
            }
            Tensor y = torch.randint(10L, new long[] {6});
            Tensor adv = Attacks.perturb(robust, mean, std, x, y, AttackOptions.fgsm(8 / 255.0));
            assertTrue(adv.sub(x).abs().max().item_float() > 7.9f / 255, "no input gradient through the view");
        }
        Parameters.named(b.module()).forEach((n, t) -> assertTrue(before.get(n).equal(t), n + " changed"));
        assertThrows(RobustifyException.class,
                () -> BranchHeadModel.of(b, HeadPolicy.SELECT, "resnet18", OPTIONS, SPEC));
    }
}
