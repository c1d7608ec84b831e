package org.robustify.corrupt;

import java.util.Locale;

import org.robustify.bindings.RobustifyNative;
import org.robustify.runtime.RobustifyException;

/**
 * Which published per-severity constants the kernels use: ImageNet (224 px), Tiny-ImageNet (64 px) or CIFAR
 * (32 px). {@link #AUTO} picks by the smaller image side: at least 160 imagenet, at least 48 tinyimagenet, else
 * cifar (see {@link #resolve}).
 */
public enum CorruptionPreset {
    AUTO(RobustifyNative.RFY_CORRUPT_PRESET_AUTO),
    IMAGENET(RobustifyNative.RFY_CORRUPT_PRESET_IMAGENET),
    TINYIMAGENET(RobustifyNative.RFY_CORRUPT_PRESET_TINYIMAGENET),
    CIFAR(RobustifyNative.RFY_CORRUPT_PRESET_CIFAR);

    private final int code;

    CorruptionPreset(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** {@code auto}, {@code imagenet}, {@code tinyimagenet} or {@code cifar}. */
    public String nativeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return nativeName();
    }

    /** The preset a call uses for height x width images (AUTO resolved by the native core). */
    public CorruptionPreset resolve(long height, long width) {
        return fromCode(RobustifyNative.rfy_corrupt_resolve_preset(code, height, width));
    }

    public static CorruptionPreset fromCode(int code) {
        for (CorruptionPreset p : values()) {
            if (p.code == code) {
                return p;
            }
        }
        throw new RobustifyException("unknown corruption preset code " + code);
    }

    public static CorruptionPreset fromName(String name) {
        if (name != null) {
            String key = name.trim().toLowerCase(Locale.ROOT).replace("-", "");
            for (CorruptionPreset p : values()) {
                if (p.nativeName().equals(key)) {
                    return p;
                }
            }
        }
        throw new RobustifyException("unknown corruption preset '" + name + "'; valid: auto, imagenet, "
                + "tinyimagenet, cifar");
    }
}
