package org.robustify.model.branch;

import java.util.function.UnaryOperator;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.robustify.model.BlockModel;
import org.robustify.model.resnet.BasicBlock;
import org.robustify.model.resnet.Bottleneck;
import org.robustify.model.vit.VisionTransformer;
import org.robustify.model.vit.VitBlock;
import org.robustify.model.vit.VitConfig;
import org.robustify.runtime.RobustifyException;

/**
 * Deep copies of a model's blocks: a fresh block of the same class and configuration (read back from the
 * original's tensors and options), then its parameters and buffers copied over. libtorch's Module::clone cannot
 * help: it only clones C++ "Cloneable" modules, and our blocks are Java modules.
 */
final class BlockCopier {
    /** A copied block: the module (kept as a Java field by the owner) and how to run it. */
    record Copy(Module module, UnaryOperator<Tensor> forward) {}

    private BlockCopier() {}

    static Copy copy(BlockModel model, int i) {
        Module block = model.blockModule(i);
        String what = model.architecture() + " block " + model.blockName(i);
        Copy copy;
        if (block instanceof BasicBlock b) {
            BasicBlock c = new BasicBlock(b.conv1.weight().size(1), b.conv1.weight().size(0),
                    b.conv1.options().stride().get(0));
            copy = new Copy(c, c::forward);
        } else if (block instanceof Bottleneck b) {
            Bottleneck c = new Bottleneck(b.conv1.weight().size(1), b.conv1.weight().size(0),
                    b.conv2.options().stride().get(0));
            copy = new Copy(c, c::forward);
        } else if (block instanceof VitBlock b && model instanceof VisionTransformer vit) {
            // The head count is not stored in any tensor; it is fixed per zoo architecture.
            long heads = VitConfig.of(vit.architecture()).heads();
            VitBlock c = new VitBlock(b.norm1.weight().size(0), heads, b.mlp.fc1.weight().size(0));
            copy = new Copy(c, c::forward);
        } else {
            throw new RobustifyException("cannot copy " + what + ": blocks of type "
                    + block.getClass().getSimpleName() + " are not supported (BasicBlock, Bottleneck, VitBlock)");
        }
        ModuleState.copy(block, copy.module(), what);
        return copy;
    }
}
