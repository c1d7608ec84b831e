package org.robustify.peft;

import static org.bytedeco.pytorch.global.torch.cat;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.robustify.model.vit.OutputHook;

/**
 * (IA)³: a learned vector that multiplies a sub-layer's output channel-wise, initialised to ones (exactly the
 * identity at start). On the fused qkv output only the k and v thirds are scaled ({@link #keysAndValues}); on the
 * MLP's activation the whole intermediate ({@link #whole}); on a ResNet feature map every channel
 * ({@link #featureMaps}, PEFT's {@code ia3_l} of shape [1, C, 1, 1], stored as [C]).
 */
public final class Ia3Scaling extends Module implements OutputHook {
    private final Tensor fixedPrefix; // ones for the unscaled q third, or null
    private final Tensor scale;
    private final Channels channels;

    private Ia3Scaling(long fixed, long scaled, Channels channels) {
        this.channels = channels;
        fixedPrefix = fixed == 0 ? null : torch.ones(fixed);
        scale = torch.ones(scaled);
        register_parameter("ia3_l", scale);
    }

    /** Scales k and v of a fused [q | k | v] output of width 3·dim: parameter of 2·dim. */
    public static Ia3Scaling keysAndValues(long dim) {
        return new Ia3Scaling(dim, 2 * dim, Channels.LAST);
    }

    /** Scales every feature of a width-{@code dim} output (last dimension). */
    public static Ia3Scaling whole(long dim) {
        return new Ia3Scaling(0, dim, Channels.LAST);
    }

    /** Scales every channel of an [N, channels, H, W] feature map. */
    public static Ia3Scaling featureMaps(long channels) {
        return new Ia3Scaling(0, channels, Channels.NCHW);
    }

    @Override
    public Tensor apply(Tensor input, Tensor output) {
        Tensor factors = fixedPrefix == null ? scale : cat(new TensorVector(fixedPrefix, scale), 0);
        return channels.scale(output, factors);
    }
}
