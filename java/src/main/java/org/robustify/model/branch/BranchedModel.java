package org.robustify.model.branch;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.robustify.model.BlockModel;
import org.robustify.model.Parameters;
import org.robustify.model.freeze.FreezeReport;
import org.robustify.model.freeze.FreezeSpec;
import org.robustify.model.freeze.FreezeTerm;
import org.robustify.model.freeze.ModelLayout;
import org.robustify.model.ImageClassifier;
import org.robustify.model.vit.VisionTransformer;
import org.robustify.runtime.RobustifyException;

/**
 * The method's student (docs: /work/shared/spec/method.md, stage 2): the pre-trained model, untouched and frozen,
 * plus a trainable branch that copies the tuned blocks, and three heads.
 *
 * <pre>
 *   x -> stem -> blocks[0..s)  (shared frozen trunk, run once, eval mode, no autograd)
 *          |-> blocks[s..L) -> pool -> head             = orig   (the original model, bit-identical)
 *          '-> branch[s..L) -> pool' -> clean, robust   (trainable)
 * </pre>
 * s is the first tuned block; for {@code last:k} the branch is copies of blocks[L-k..L). With other block sets
 * ({@code first:k}, {@code blocks:i+j}) the branch runs from s to the end, using a copy for each tuned block and
 * the original (frozen, shared) block for the others, since their inputs differ from the original path's.
 * pool' is the original pooling when it has no parameters (ResNet's average) and a trainable copy of ViT's final
 * norm otherwise. {@code clean} and {@code robust} start as copies of the original head, so at initialisation all
 * three heads give the same logits.
 *
 * <p>Parameter names: "original.*" (the whole original model, frozen), "branch.&lt;i&gt;.*" (copy of block i),
 * "norm.*" (ViT), "clean.*", "robust.*". Only branch, norm and the two heads require gradients.
 *
 * <p>The original model always runs in eval mode, whatever {@link #train(boolean)} is asked: in train mode its
 * BatchNorm layers would update their running statistics (and normalise with batch statistics), silently changing
 * the "frozen" model.
 */
public final class BranchedModel extends Module implements ImageClassifier {
    private final BlockModel original;
    /** The original model's module, registered as "original" (a Java field: the GC must not free it). */
    public final Module originalModule;
    final BranchBlocks branch;
    /** Trainable copy of ViT's final norm; null when the pooling has no parameters. */
    public final LayerNormImpl norm;
    public final LinearImpl clean;
    public final LinearImpl robust;

    private final int start;
    private final boolean headsFromOriginal;

    private BranchedModel(BlockModel original, Set<Integer> tuned, int classes) {
        this.original = original;
        if (tuned.isEmpty()) {
            throw new RobustifyException("a branch needs at least one tuned block");
        }
        this.start = Collections.min(tuned);
        Parameters.setRequiresGrad(original.module(), false);
        original.module().eval();

        // Copies first, then registration: copying reads the original's state, which must not change meanwhile.
        BranchBlocks blocks = new BranchBlocks(original, tuned);
        LayerNormImpl normCopy = poolNormCopy(original);
        Module origHead = original.headModule();
        Tensor headWeight = Parameters.named(origHead).get("weight");
        if (headWeight == null || headWeight.dim() != 2) {
            throw new RobustifyException(original.architecture() + ": the head is not a Linear layer; cannot "
                    + "initialise the clean and robust heads from it");
        }
        int origClasses = (int) headWeight.size(0);
        int outClasses = classes > 0 ? classes : origClasses;
        this.headsFromOriginal = outClasses == origClasses;
        LinearImpl cleanHead = new LinearImpl(original.featureDim(), outClasses);
        LinearImpl robustHead = new LinearImpl(original.featureDim(), outClasses);
        if (headsFromOriginal) {
            ModuleState.copy(origHead, cleanHead, "the head (clean)");
            ModuleState.copy(origHead, robustHead, "the head (robust)");
        }

        originalModule = register_module("original", original.module());
        branch = register_module("branch", blocks);
        norm = normCopy == null ? null : register_module("norm", normCopy);
        clean = register_module("clean", cleanHead);
        robust = register_module("robust", robustHead);
        for (var e : Parameters.named(this).entrySet()) {
            e.getValue().requires_grad_(!e.getKey().startsWith("original."));
        }
    }

    /** The method's default branch: copies of the last {@code k} blocks, heads with the original's classes. */
    public static BranchedModel create(BlockModel original, int k) {
        return create(original, k, 0);
    }

    /**
     * Copies of the last {@code k} blocks. {@code classes} 0 (or equal to the original's) initialises clean and
     * robust from the original head; another count gives freshly initialised heads (orig keeps its classes).
     */
    public static BranchedModel create(BlockModel original, int k, int classes) {
        if (k < 1 || k > original.numBlocks()) {
            throw new RobustifyException(original.architecture() + ": branch depth k = " + k + " is out of range; "
                    + "the model has " + original.numBlocks() + " blocks (k must be 1.." + original.numBlocks() + ")");
        }
        return create(original, FreezeSpec.parse("last:" + k), classes);
    }

    /** Branch over the blocks a spec of block terms selects (last:k, first:k, fraction:f, blocks:i+j). */
    public static BranchedModel create(BlockModel original, FreezeSpec blocks, int classes) {
        for (FreezeTerm t : blocks.terms()) {
            if (!t.isBlockTerm()) {
                throw new RobustifyException("a branch is defined by block terms (last:k, first:k, fraction:f, "
                        + "blocks:i+j); '" + t + "' is not one");
            }
        }
        if (classes < 0) {
            throw new RobustifyException("classes must be >= 1 (or 0 for the original's); got " + classes);
        }
        return new BranchedModel(original, new TreeSet<>(blocks.blockIndices(original.numBlocks())), classes);
    }

    private static LayerNormImpl poolNormCopy(BlockModel original) {
        if (new ModelLayout(original).namesIn(ModelLayout.POOL).isEmpty()) {
            return null;
        }
        if (original instanceof VisionTransformer vit) {
            // Same options (shape, eps) as the original norm, then its state.
            LayerNormImpl copy = new LayerNormImpl(vit.norm.options());
            ModuleState.copy(vit.norm, copy, "the final norm");
            return copy;
        }
        throw new RobustifyException(original.architecture() + ": its pooling step has parameters, and copying "
                + "it for a branch is only supported for ViTs");
    }

    /** All three heads from one pass; the trunk runs once. */
    public BranchLogits forwardAll(Tensor images) {
        return forwardAll(images, images.size(0));
    }

    /**
     * As {@link #forwardAll(Tensor)}, but the original head only for the first {@code origRows} rows (the method's
     * step needs it for the clean half of a clean + augmented batch, not for the augmented half).
     */
    public BranchLogits forwardAll(Tensor images, long origRows) {
        keepOriginalFrozen();
        Tensor trunk;
        Tensor orig;
        try (NoGradGuard noGrad = new NoGradGuard()) {
            trunk = trunk(images);
            Tensor h = origRows == trunk.size(0) ? trunk : trunk.narrow(0, 0, origRows);
            for (int i = start; i < original.numBlocks(); i++) {
                h = original.block(i, h);
            }
            orig = original.head(original.pool(h));
        }
        Tensor features = branchFrom(trunk);
        return new BranchLogits(orig, clean.forward(features), robust.forward(features));
    }

    /**
     * [N, featureDim] features the clean and robust heads see (for probes of the robust branch's representation);
     * with autograd through the branch when it is enabled.
     */
    public Tensor branchFeatures(Tensor images) {
        keepOriginalFrozen();
        Tensor trunk;
        try (NoGradGuard noGrad = new NoGradGuard()) {
            trunk = trunk(images);
        }
        return branchFrom(trunk);
    }

    private Tensor trunk(Tensor images) {
        Tensor h = original.stem(images);
        for (int i = 0; i < start; i++) {
            h = original.block(i, h);
        }
        return h;
    }

    private Tensor branchFrom(Tensor trunk) {
        Tensor h = trunk;
        for (int i = start; i < original.numBlocks(); i++) {
            UnaryOperator<Tensor> copy = branch.forwardOf(i);
            h = copy != null ? copy.apply(h) : original.block(i, h);
        }
        return norm != null ? norm.forward(h).select(1, 0) : original.pool(h);
    }

    /** The clean head's logits (the single-head view for plain evaluation; head selection lives elsewhere). */
    @Override
    public Tensor forward(Tensor images) {
        return forwardAll(images).clean();
    }

    /** Train mode for the branch and heads only: the original model stays in eval mode. */
    @Override
    public void train(boolean on) {
        super.train(on);
        originalModule.train(false);
    }

    /**
     * A parent module's train() reaches the original through libtorch (C++), not through {@link #train}; so the
     * forward pass re-asserts eval mode and frozen parameters rather than trusting the flags.
     */
    private void keepOriginalFrozen() {
        if (originalModule.is_training()) {
            originalModule.eval();
        }
    }

    public BlockModel original() {
        return original;
    }

    /** First tuned block: the trunk is blocks[0..start). */
    public int startBlock() {
        return start;
    }

    /** Original indices of the copied (tuned) blocks. */
    public List<Integer> tunedBlocks() {
        return branch.indices;
    }

    /** Whether clean and robust were initialised from the original head (false when the class count differs). */
    public boolean headsFromOriginal() {
        return headsFromOriginal;
    }

    /** Trainable/total parameters grouped as original, branch.&lt;i&gt;, norm, clean, robust. */
    public FreezeReport report() {
        return FreezeReport.of(this, name -> {
            if (name.startsWith("branch.")) {
                int dot = name.indexOf('.', "branch.".length());
                return dot < 0 ? name : name.substring(0, dot);
            }
            int dot = name.indexOf('.');
            return dot < 0 ? name : name.substring(0, dot);
        });
    }

    @Override
    public Module module() {
        return this;
    }

    @Override
    public String architecture() {
        return original.architecture() + "+branch";
    }
}
