package org.robustify.peft;

import static org.bytedeco.pytorch.global.torch.gelu;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.robustify.model.vit.OutputHook;

/**
 * Compacter's adapter: h + up(GELU(down(h))) with {@link PhmLinear} projections whose rule matrices are shared
 * across the model. up's s starts at std {@link #UP_S_STD}, so the adapter starts close to the identity. On
 * feature maps ({@link Channels#NCHW}) the PHM layers act as 1×1 convolutions.
 */
public final class CompacterAdapter extends Module implements OutputHook {
    public static final double UP_S_STD = 1e-3;

    public final PhmLinear down;
    public final PhmLinear up;
    private final PhmRules rules; // registered on the model root; a Java reference keeps the object alive
    private final Channels channels;

    public CompacterAdapter(PhmRules rules, long dim, long hidden) {
        this(rules, dim, hidden, Channels.LAST);
    }

    public CompacterAdapter(PhmRules rules, long dim, long hidden, Channels channels) {
        this.rules = rules;
        this.channels = channels;
        down = register_module("down", new PhmLinear(rules.down(), dim, hidden, 1.0));
        up = register_module("up", new PhmLinear(rules.up(), hidden, dim, UP_S_STD));
    }

    @Override
    public Tensor apply(Tensor input, Tensor output) {
        return output.add(up.forward(gelu(down.forward(output, channels), "none"), channels));
    }
}
