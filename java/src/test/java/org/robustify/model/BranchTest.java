package org.robustify.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.robustify.model.branch.BranchLogits;
import org.robustify.model.branch.BranchedModel;
import org.robustify.model.freeze.FreezeReport;
import org.robustify.model.freeze.FreezeSpec;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;

class BranchTest {
    private static final InputSpec SMALL = new InputSpec(3, 32, 32, 10);

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    @Test
    void resnetOriginalPathStaysBitIdenticalWhileTheBranchLearns() {
        checkBranch("resnet18", ModelOptions.DEFAULT, 2);
    }

    @Test
    void vitOriginalPathStaysBitIdenticalWhileTheBranchLearns() {
        checkBranch("vit_tiny", ModelOptions.DEFAULT.withVitDepth(3), 1);
    }

    private static void checkBranch(String arch, ModelOptions options, int k) {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(11);
            BlockModel model = (BlockModel) ModelZoo.create(arch, SMALL, options);
            Tensor x = torch.randn(6, 3, 32, 32);
            Tensor y = torch.randint(10, new long[] {6});
            // Give the BNs non-trivial running statistics first, as a pre-trained model has.
            model.module().train(true);
            try (NoGradGuard g = new NoGradGuard()) {
                model.forward(torch.randn(8, 3, 32, 32).mul_(torch.scalar_tensor(new org.bytedeco.pytorch.Scalar(2.0))));
            }
            model.module().eval();
            Tensor reference;
            try (NoGradGuard g = new NoGradGuard()) {
                reference = model.forward(x);
            }
            Map<String, Tensor> paramsBefore = ModelSnapshots.params(model.module());
            Map<String, Tensor> buffersBefore = ModelSnapshots.buffers(model.module());
            int L = model.numBlocks();

            BranchedModel b = BranchedModel.create(model, k);
            assertEquals(L - k, b.startBlock());
            assertTrue(b.headsFromOriginal());
            assertEquals(arch.startsWith("vit"), b.norm != null, "ViT branches copy the final norm");

            // Copies start equal to the original's last k blocks, so all three heads agree at initialisation.
            Map<String, Tensor> bp = Parameters.named(b);
            for (int i = L - k; i < L; i++) {
                String prefix = model.blockName(i) + ".";
                for (Map.Entry<String, Tensor> e : Parameters.named(model.module()).entrySet()) {
                    if (e.getKey().startsWith(prefix)) {
                        Tensor copy = bp.get("branch." + i + "." + e.getKey().substring(prefix.length()));
                        assertTrue(copy.equal(e.getValue()), "copy of " + e.getKey());
                        assertTrue(copy.requires_grad(), "copy of " + e.getKey() + " is trainable");
                    }
                }
            }
            b.eval();
            try (NoGradGuard g = new NoGradGuard()) {
                BranchLogits l = b.forwardAll(x);
                assertTrue(l.orig().equal(reference), "orig != original model at init");
                assertTrue(l.clean().equal(reference), "clean != orig at init");
                assertTrue(l.robust().equal(reference), "robust != orig at init");
            }

            // Trainable fraction: the copies and the two new heads; nothing of the original.
            FreezeReport r = b.report();
            long copies = 0;
            for (int i = L - k; i < L; i++) {
                copies += Parameters.count(model.blockModule(i), false);
            }
            long headSize = Parameters.count(model.headModule(), false);
            long normSize = b.norm == null ? 0 : Parameters.count(b.norm, false);
            long originalTotal = Parameters.count(model.module(), false);
            assertEquals(copies + normSize + 2 * headSize, r.trainable(), r.toString());
            assertEquals(originalTotal + copies + normSize + 2 * headSize, r.total());
            assertEquals(0, r.groups().get("original").trainable());
            assertTrue(r.fraction() > 0 && r.fraction() < 1);
            assertEquals(r.trainable(), Parameters.count(b, true));

            // Train: CE on clean (clean view) + CE on robust (noisy view). Train mode everywhere we can reach it,
            // including a direct train(true) on the original (as a C++ parent's train() would do).
            AdamWOptions o = new AdamWOptions(1e-2);
            o.weight_decay().put(0.05);
            AdamW opt = new AdamW(Parameters.trainable(b), o);
            b.train(true);
            assertFalse(b.originalModule.is_training(), "train(true) must leave the original in eval mode");
            assertTrue(b.clean.is_training());
            for (int step = 0; step < 3; step++) {
                try (PointerScope s = new PointerScope()) {
                    if (step == 1) {
                        b.originalModule.train(true);
                    }
                    opt.zero_grad();
                    Tensor noisy = x.add(torch.randn(6, 3, 32, 32).mul_(torch.scalar_tensor(
                            new org.bytedeco.pytorch.Scalar(0.5))));
                    BranchLogits clean = b.forwardAll(x);
                    BranchLogits robust = b.forwardAll(noisy);
                    assertFalse(clean.orig().requires_grad(), "orig logits carry no autograd graph");
                    assertTrue(clean.orig().equal(reference), "orig changed during training (step " + step + ")");
                    torch.cross_entropy(clean.clean(), y).add(torch.cross_entropy(robust.robust(), y)).backward();
                    opt.step();
                }
            }

            // The original model: every parameter and buffer (BN running stats) bit-identical.
            for (Map.Entry<String, Tensor> e : Parameters.named(model.module()).entrySet()) {
                assertTrue(e.getValue().equal(paramsBefore.get(e.getKey())), "original parameter " + e.getKey());
                assertFalse(e.getValue().requires_grad(), e.getKey() + " must stay frozen");
            }
            for (Map.Entry<String, Tensor> e : Parameters.namedBuffers(model.module()).entrySet()) {
                assertTrue(e.getValue().equal(buffersBefore.get(e.getKey())), "original buffer " + e.getKey());
            }
            b.eval();
            try (NoGradGuard g = new NoGradGuard()) {
                BranchLogits l = b.forwardAll(x);
                assertTrue(l.orig().equal(reference), "orig != original model after training");
                assertTrue(model.forward(x).equal(reference), "the original model itself changed");
                assertFalse(l.clean().equal(reference), "clean head did not move");
                assertFalse(l.robust().equal(reference), "robust head did not move");
                assertFalse(l.clean().equal(l.robust()), "clean and robust should diverge (different views)");
            }
            for (int i = L - k; i < L; i++) {
                String name = "branch." + i + "." + (arch.startsWith("vit") ? "mlp.fc1.weight" : "conv1.weight");
                String orig = model.blockName(i) + "." + name.substring(("branch." + i + ".").length());
                assertFalse(Parameters.named(b).get(name).equal(paramsBefore.get(orig)), name + " did not train");
            }
        }
    }

    /** The test above can fail: a train-mode forward of the unprotected model does move its BN statistics. */
    @Test
    void trainModeWouldDriftBatchNormStatistics() {
        try (PointerScope scope = new PointerScope()) {
            BlockModel model = (BlockModel) ModelZoo.create("resnet18", SMALL);
            Map<String, Tensor> before = ModelSnapshots.buffers(model.module());
            model.module().train(true);
            try (NoGradGuard g = new NoGradGuard()) {
                model.forward(torch.randn(4, 3, 32, 32));
            }
            assertFalse(Parameters.namedBuffers(model.module()).get("bn1.running_mean").equal(
                    before.get("bn1.running_mean")));
        }
    }

    @Test
    void otherBlockSetsAndClassCounts() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(5);
            BlockModel model = (BlockModel) ModelZoo.create("resnet18", SMALL);
            model.module().eval();
            Tensor x = torch.randn(2, 3, 32, 32);
            Tensor reference;
            try (NoGradGuard g = new NoGradGuard()) {
                reference = model.forward(x);
            }
            // blocks 1 and 3: the branch runs 1..7, copies at 1 and 3, the original's frozen blocks elsewhere.
            BranchedModel b = BranchedModel.create(model, FreezeSpec.parse("blocks:1+3"), 0);
            assertEquals(1, b.startBlock());
            assertEquals(List.of(1, 3), b.tunedBlocks());
            b.eval();
            try (NoGradGuard g = new NoGradGuard()) {
                BranchLogits l = b.forwardAll(x);
                assertTrue(l.orig().equal(reference) && l.clean().equal(reference));
            }
            // A different class count gives fresh heads; orig keeps the original's 10 classes.
            BlockModel other = (BlockModel) ModelZoo.create("resnet18", SMALL);
            BranchedModel c = BranchedModel.create(other, 1, 4);
            assertFalse(c.headsFromOriginal());
            c.eval();
            try (NoGradGuard g = new NoGradGuard()) {
                BranchLogits l = c.forwardAll(x);
                assertEquals(10, l.orig().size(1));
                assertEquals(4, l.clean().size(1));
            }

            BlockModel third = (BlockModel) ModelZoo.create("resnet18", SMALL);
            assertError(() -> BranchedModel.create(third, 0), "out of range");
            assertError(() -> BranchedModel.create(third, 9), "out of range");
            assertError(() -> BranchedModel.create(third, FreezeSpec.parse("kind:bias"), 0), "block terms");
            assertNull(b.norm);
        }
    }

    private static void assertError(org.junit.jupiter.api.function.Executable e, String message) {
        RobustifyException ex = assertThrows(RobustifyException.class, e);
        assertTrue(ex.getMessage().contains(message), ex.getMessage());
    }
}
