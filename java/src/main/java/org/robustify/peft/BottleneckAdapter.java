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
 * (not exactly: a zero up would give down no gradient on the first step). On feature maps ({@link Channels#NCHW})
 * down and up are 1×1 convolutions; their weights are stored as Linear's [out, in].
 */
public final class BottleneckAdapter extends Module implements OutputHook {
    public static final double UP_STD = 1e-3;

    public final LinearImpl down;
    public final LinearImpl up;
    private final Channels channels;

    public BottleneckAdapter(long dim, long hidden) {
        this(dim, hidden, Channels.LAST);
    }

    public BottleneckAdapter(long dim, long hidden, Channels channels) {
        this.channels = channels;
        down = register_module("down", new LinearImpl(dim, hidden));
        up = register_module("up", new LinearImpl(hidden, dim));
        try (NoGradGuard noGrad = new NoGradGuard()) {
            torch.normal_(up.weight(), 0.0, UP_STD);
            torch.zeros_(up.bias());
        }
    }

    @Override
    public Tensor apply(Tensor input, Tensor output) {
        Tensor h = gelu(channels.linearMap(output, down.weight(), down.bias()), "none");
        return output.add(channels.linearMap(h, up.weight(), up.bias()));
    }
}
