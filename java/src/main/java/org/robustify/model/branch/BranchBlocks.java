package org.robustify.model.branch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.robustify.model.BlockModel;

/**
 * The branch's copied blocks, registered under the original block's index ("branch.10.attn.qkv.weight" copies
 * "blocks.10.attn.qkv.weight"). The list keeps a strong Java reference to each copy so the GC cannot free a module
 * libtorch still uses.
 */
final class BranchBlocks extends Module {
    final List<Integer> indices;
    final List<Module> modules;
    private final List<UnaryOperator<Tensor>> forwards;

    BranchBlocks(BlockModel original, Set<Integer> tuned) {
        List<Integer> idx = new ArrayList<>();
        List<Module> mods = new ArrayList<>();
        List<UnaryOperator<Tensor>> fwd = new ArrayList<>();
        for (int i : tuned) {
            BlockCopier.Copy c = BlockCopier.copy(original, i);
            idx.add(i);
            mods.add(register_module(Integer.toString(i), c.module()));
            fwd.add(c.forward());
        }
        indices = Collections.unmodifiableList(idx);
        modules = Collections.unmodifiableList(mods);
        forwards = Collections.unmodifiableList(fwd);
    }

    /** Runs original block {@code i}'s copy, or null when block {@code i} has no copy. */
    UnaryOperator<Tensor> forwardOf(int i) {
        int at = indices.indexOf(i);
        return at < 0 ? null : forwards.get(at);
    }
}
