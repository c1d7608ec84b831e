package org.robustify.peft;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustify.runtime.RobustifyException;

/**
 * A parameterised-hypercomplex-multiplication Linear (Compacter): W = Σ_{i=1..n} A_i ⊗ B_i with B_i = s_i·t_iᵀ of
 * rank 1, y = x·Wᵀ + bias. A (n×n×n) is shared and owned by {@link PhmRules}; this layer owns s [n, out/n],
 * t [n, in/n] and the bias. s ~ N(0, sStd), t ~ N(0, 1/√in), bias 0: with sStd = 1 the weight has Linear-like
 * variance 1/in; a small sStd makes the layer start near zero.
 */
public final class PhmLinear extends Module {
    private final Tensor rule;
    private final Tensor s;
    private final Tensor t;
    private final Tensor bias;
    private final int n;
    private final long in;
    private final long out;

    public PhmLinear(Tensor sharedRule, long in, long out, double sStd) {
        this.n = (int) sharedRule.size(0);
        if (in % n != 0 || out % n != 0) {
            throw new RobustifyException("PHM layer " + in + " -> " + out + ": both sizes must be multiples of n = "
                    + n);
        }
        this.rule = sharedRule;
        this.in = in;
        this.out = out;
        s = torch.empty(n, out / n);
        t = torch.empty(n, in / n);
        bias = torch.zeros(out);
        try (NoGradGuard noGrad = new NoGradGuard()) {
            torch.normal_(s, 0.0, sStd);
            torch.normal_(t, 0.0, 1 / Math.sqrt(in));
        }
        register_parameter("phm_s", s);
        register_parameter("phm_t", t);
        register_parameter("bias", bias);
    }

    /** W [out, in] with W[a·p + c, b·q + d] = Σ_i A_i[a, b]·s_i[c]·t_i[d] (p = out/n, q = in/n). */
    public Tensor weight() {
        long p = out / n;
        long q = in / n;
        Tensor b = s.unsqueeze(2).mul(t.unsqueeze(1)); // [n, p, q], B_i = s_i t_iᵀ
        Tensor sum = rule.reshape(n, (long) n * n).t().mm(b.reshape(n, p * q)); // [(a, b), (c, d)]
        return sum.reshape(n, n, p, q).permute(0, 2, 1, 3).reshape(out, in);
    }

    /** y = W·x + bias over the last dimension. */
    public Tensor forward(Tensor x) {
        return forward(x, Channels.LAST);
    }

    /** y = W·x + bias over the channels where {@code channels} says they are (a 1×1 convolution on NCHW). */
    public Tensor forward(Tensor x, Channels channels) {
        return channels.linearMap(x, weight(), bias);
    }
}
