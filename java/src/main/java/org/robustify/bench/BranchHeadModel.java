package org.robustify.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustify.method.HeadPolicy;
import org.robustify.model.BlockModel;
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelOptions;
import org.robustify.model.ModelZoo;
import org.robustify.model.Parameters;
import org.robustify.model.branch.BranchedModel;
import org.robustify.runtime.RobustifyException;

/**
 * A differentiable single-head view of a {@link BranchedModel}, for attacks. The branched model runs its shared
 * trunk without autograd (it is frozen), so no input gradient flows through {@code forwardAll}. This builds a plain
 * copy of the architecture whose weights are the path one head sees: the original's stem and untuned blocks, the
 * branch's copies of the tuned blocks (and ViT's final-norm copy), and the chosen head. Its logits equal the
 * head's (checked on a probe batch when built), with autograd through every layer; the copy's parameters are
 * separate tensors, so an attack cannot touch the branched model.
 */
public final class BranchHeadModel {
    private BranchHeadModel() {}

    /** @param head CLEAN, ROBUST or ORIG (ORIG is simply the original model) */
    public static ImageClassifier of(BranchedModel branched, HeadPolicy head, String architecture,
            ModelOptions options, InputSpec spec) {
        if (head == HeadPolicy.ORIG) {
            return branched.original();
        }
        if (head != HeadPolicy.CLEAN && head != HeadPolicy.ROBUST) {
            throw new RobustifyException("an attackable head view exists for clean, robust and orig; not "
                    + head.cliName());
        }
        BlockModel original = branched.original();
        Map<String, Tensor> src = new LinkedHashMap<>(Parameters.named(branched.module()));
        src.putAll(Parameters.namedBuffers(branched.module()));
        String headName = head == HeadPolicy.CLEAN ? "clean" : "robust";
        long classes = src.get(headName + ".weight").size(0);
        BlockModel shadow = (BlockModel) ModelZoo.create(architecture, new InputSpec(spec.channels(), spec.height(),
                spec.width(), (int) classes), options);
        String headPrefix = prefixOf(shadow, shadow.headModule());
        List<Integer> tuned = branched.tunedBlocks();
        Map<String, Tensor> dst = new LinkedHashMap<>(Parameters.named(shadow.module()));
        dst.putAll(Parameters.namedBuffers(shadow.module()));
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : dst.entrySet()) {
                String from = sourceName(e.getKey(), shadow, tuned, headPrefix, headName, branched.norm != null);
                Tensor t = src.get(from);
                if (t == null || !java.util.Arrays.equals(t.sizes().vec().get(), e.getValue().sizes().vec().get())) {
                    throw new RobustifyException("cannot build the " + head.cliName() + " head's attack view: "
                            + e.getKey() + " has no matching " + from + " in the branched model");
                }
                e.getValue().copy_(t);
            }
        }
        shadow.module().eval();
        requireSameLogits(branched, shadow, head, spec);
        return shadow;
    }

    private static String sourceName(String name, BlockModel shadow, List<Integer> tuned, String headPrefix,
            String headName, boolean branchHasNorm) {
        for (int i : tuned) {
            String block = shadow.blockName(i) + ".";
            if (name.startsWith(block)) {
                return "branch." + i + "." + name.substring(block.length());
            }
        }
        if (name.startsWith(headPrefix)) {
            return headName + "." + name.substring(headPrefix.length());
        }
        if (branchHasNorm && name.startsWith("norm.")) {
            return name;
        }
        return "original." + name;
    }

    /** "fc." or "head.": the dotted prefix under which {@code child}'s parameters appear in {@code model}. */
    private static String prefixOf(BlockModel model, org.bytedeco.pytorch.Module child) {
        Tensor weight = Parameters.named(child).get("weight");
        for (Map.Entry<String, Tensor> e : Parameters.named(model.module()).entrySet()) {
            if (e.getKey().endsWith(".weight") && e.getValue().data_ptr().address() == weight.data_ptr().address()) {
                return e.getKey().substring(0, e.getKey().length() - "weight".length());
            }
        }
        throw new RobustifyException(model.architecture() + ": cannot find the head's parameter names");
    }

    private static void requireSameLogits(BranchedModel branched, BlockModel shadow, HeadPolicy head,
            InputSpec spec) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            // A private generator: the check must not move the global random stream.
            Tensor probe = torch.randn(new long[] {4, spec.channels(), spec.height(), spec.width()},
                    new org.bytedeco.pytorch.GeneratorOptional(torch.createCPUGenerator(0)));
            var all = branched.forwardAll(probe);
            Tensor expected = head == HeadPolicy.CLEAN ? all.clean() : all.robust();
            double diff = expected.sub(shadow.forward(probe)).abs().max().item_double();
            double scale = Math.max(1, expected.abs().max().item_double());
            if (diff > 1e-4 * scale) {
                throw new RobustifyException("the " + head.cliName() + " head's attack view differs from the "
                        + "branched model by " + diff + "; attacks would target the wrong function");
            }
        }
    }
}
