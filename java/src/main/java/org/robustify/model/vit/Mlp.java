package org.robustify.model.vit;

import static org.bytedeco.pytorch.global.torch.gelu;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** The transformer MLP: fc1 (dim -> 4 dim), exact (erf) GELU as nn.GELU's default, fc2. */
public final class Mlp extends Module {
    public final LinearImpl fc1;
    public final LinearImpl fc2;
    /** Optional rewrites of fc1's output, of the activation (input: fc1's output) and of fc2's output. */
    public final HookSlot fc1Hook = new HookSlot(this, "mlp.fc1");
    public final HookSlot actHook = new HookSlot(this, "mlp.act");
    public final HookSlot fc2Hook = new HookSlot(this, "mlp.fc2");

    public Mlp(long dim, long hidden) {
        fc1 = register_module("fc1", Linears.linear(dim, hidden));
        fc2 = register_module("fc2", Linears.linear(hidden, dim));
    }

    public Tensor forward(Tensor x) {
        Tensor h = fc1Hook.apply(x, fc1.forward(x));
        Tensor a = actHook.apply(h, gelu(h, "none"));
        return fc2Hook.apply(a, fc2.forward(a));
    }
}
