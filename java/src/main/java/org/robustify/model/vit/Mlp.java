package org.robustify.model.vit;

import static org.bytedeco.pytorch.global.torch.gelu;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** The transformer MLP: fc1 (dim -> 4 dim), exact (erf) GELU as nn.GELU's default, fc2. */
public final class Mlp extends Module {
    public final LinearImpl fc1;
    public final LinearImpl fc2;

    public Mlp(long dim, long hidden) {
        fc1 = register_module("fc1", Linears.linear(dim, hidden));
        fc2 = register_module("fc2", Linears.linear(hidden, dim));
    }

    public Tensor forward(Tensor x) {
        return fc2.forward(gelu(fc1.forward(x), "none"));
    }
}
