package org.robustify.peft;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Compacter's shared "rule" matrices A_1..A_n (each n×n), one set for every down projection and one for every up
 * projection in the model: registered once (on the model root), used by all {@link PhmLinear}s. Init N(0, 1/n) so
 * that Σ A_i ⊗ B_i has the variance of B's entries.
 */
public final class PhmRules extends Module {
    private final Tensor down;
    private final Tensor up;
    private final int n;

    public PhmRules(int n) {
        this.n = n;
        down = torch.empty(n, n, n);
        up = torch.empty(n, n, n);
        try (NoGradGuard noGrad = new NoGradGuard()) {
            torch.normal_(down, 0.0, 1 / Math.sqrt(n));
            torch.normal_(up, 0.0, 1 / Math.sqrt(n));
        }
        register_parameter("phm_rule_down", down);
        register_parameter("phm_rule_up", up);
    }

    public int n() {
        return n;
    }

    public Tensor down() {
        return down;
    }

    public Tensor up() {
        return up;
    }
}
