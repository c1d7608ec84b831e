package org.robustify.peft;

import static org.bytedeco.pytorch.global.torch.gelu;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustify.model.vit.OutputHook;

/**
 * Houlsby-style bottleneck adapter on a sub-layer's output h: h + up(GELU(down(h))). down keeps Linear's default
 * init; up's weight is normal with std {@link #UP_STD} and its bias 0, so the adapter starts close to the identity
 * (not exactly: a zero up would give down no gradient on the first step).
 */
public final class BottleneckAdapter extends Module implements OutputHook {
    public static final double UP_STD = 1e-3;

    public final LinearImpl down;
    public final LinearImpl up;

    public BottleneckAdapter(long dim, long hidden) {
        down = register_module("down", new LinearImpl(dim, hidden));
        up = register_module("up", new LinearImpl(hidden, dim));
        try (NoGradGuard noGrad = new NoGradGuard()) {
            torch.normal_(up.weight(), 0.0, UP_STD);
            torch.zeros_(up.bias());
        }
    }

    @Override
    public Tensor apply(Tensor input, Tensor output) {
        return output.add(up.forward(gelu(down.forward(output), "none")));
    }
}
