package org.robustify.model.resnet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.robustify.model.vit.HookSlot;
import org.robustify.runtime.RobustifyException;

/**
 * A ResNet residual block (BasicBlock or Bottleneck): a Java module whose forward the model calls directly.
 *
 * <p>The main branch is a chain of conv → BatchNorm steps (the shortcut projection is not part of it). Each step
 * has two optional {@link HookSlot}s, empty by default so a plain block computes exactly what it did before: one on
 * the conv's output (input: the conv's input; LoRA), one on the BatchNorm's output ((IA)³, after the norm because
 * a per-channel scale before it would be divided back out by the batch statistics in training mode). A third slot
 * rewrites the whole branch's output before the shortcut is added (adapters, as after a ViT sub-layer).
 */
public abstract class ResidualBlock extends Module {
    private final List<HookSlot> convHooks;
    private final List<HookSlot> normHooks;
    private final HookSlot branchHook;

    protected ResidualBlock(int branchSteps) {
        List<HookSlot> convs = new ArrayList<>(branchSteps);
        List<HookSlot> norms = new ArrayList<>(branchSteps);
        for (int i = 1; i <= branchSteps; i++) {
            convs.add(new HookSlot(this, "conv" + i + " output"));
            norms.add(new HookSlot(this, "bn" + i + " output"));
        }
        convHooks = Collections.unmodifiableList(convs);
        normHooks = Collections.unmodifiableList(norms);
        branchHook = new HookSlot(this, "residual branch output");
    }

    public abstract Tensor forward(Tensor x);

    /** Output channels per "planes" unit: 1 for BasicBlock, 4 for Bottleneck. */
    public abstract long expansion();

    /** The main branch's convs in order (conv1, conv2[, conv3]); not the shortcut projection. */
    public abstract List<Conv2dImpl> branchConvs();

    /** The block's output channels (its last branch conv's). */
    public long outChannels() {
        List<Conv2dImpl> convs = branchConvs();
        return convs.get(convs.size() - 1).weight().size(0);
    }

    /** Slot on the output of branch conv {@code i} (0-based). */
    public HookSlot convHook(int i) {
        return convHooks.get(check(i));
    }

    /** Slot on the output of the BatchNorm after branch conv {@code i} (0-based). */
    public HookSlot normHook(int i) {
        return normHooks.get(check(i));
    }

    /** Slot on the branch's output, before the shortcut is added. */
    public HookSlot branchHook() {
        return branchHook;
    }

    /** Branch step {@code i}: bn(conv(x)) with both slots applied; no activation. */
    protected final Tensor convBn(int i, Conv2dImpl conv, BatchNorm2dImpl bn, Tensor x) {
        Tensor c = convHooks.get(i).apply(x, conv.forward(x));
        return normHooks.get(i).apply(c, bn.forward(c));
    }

    /** The branch's output through the branch slot, plus the shortcut. */
    protected final Tensor addShortcut(Tensor x, Tensor branch, Tensor shortcut) {
        return branchHook.apply(x, branch).add(shortcut);
    }

    private int check(int i) {
        if (i < 0 || i >= convHooks.size()) {
            throw new RobustifyException("this block has branch convs 0.." + (convHooks.size() - 1) + "; got " + i);
        }
        return i;
    }
}
