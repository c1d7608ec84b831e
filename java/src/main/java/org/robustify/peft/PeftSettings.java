package org.robustify.peft;

import org.robustify.runtime.RobustifyException;

/**
 * Sizes of the injected modules (the spec's defaults in {@link #DEFAULT}): LoRA rank and alpha, the bottleneck
 * adapter's reduction factor (hidden = dim / reduction), Compacter's reduction factor and PHM order n.
 */
public record PeftSettings(int loraRank, double loraAlpha, int adapterReduction, int compacterReduction, int phmN) {
    public static final PeftSettings DEFAULT = new PeftSettings(8, 8, 8, 32, 4);

    public PeftSettings {
        positive("loraRank", loraRank);
        positive("adapterReduction", adapterReduction);
        positive("compacterReduction", compacterReduction);
        positive("phmN", phmN);
        if (!(loraAlpha > 0)) {
            throw new RobustifyException("loraAlpha must be > 0; got " + loraAlpha);
        }
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new RobustifyException(name + " must be > 0; got " + v);
        }
    }
}
