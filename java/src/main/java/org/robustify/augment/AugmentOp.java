package org.robustify.augment;

import java.util.Collection;

import org.robustify.runtime.RobustifyException;

/**
 * The image ops of AugMix ({@code rfy_augment_op}, native/include/robustify/augment.h): the augmix repository's
 * augmentations.py on Pillow images, 8-bit semantics. The first nine are AugMix's default set; the last four join with
 * {@link AugMixOptions#allOps()}.
 */
public enum AugmentOp {
    AUTOCONTRAST(0), EQUALIZE(1), POSTERIZE(2), ROTATE(3), SOLARIZE(4), SHEAR_X(5), SHEAR_Y(6), TRANSLATE_X(7),
    TRANSLATE_Y(8), COLOR(9), CONTRAST(10), BRIGHTNESS(11), SHARPNESS(12);

    private final int code;

    AugmentOp(int code) {
        this.code = code;
    }

    /** The native rfy_augment_op value. */
    public int code() {
        return code;
    }

    /** This op's bit in an op mask. */
    public int bit() {
        return 1 << code;
    }

    /** The op mask of {@code ops} (0 for an empty collection). */
    public static int mask(Collection<AugmentOp> ops) {
        int m = 0;
        for (AugmentOp op : ops) {
            if (op == null) {
                throw new RobustifyException("ops must not contain null");
            }
            m |= op.bit();
        }
        return m;
    }
}
