package org.robustify.corrupt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.robustify.runtime.RobustifyException;

/**
 * The ImageNet-C corruptions (Hendrycks and Dietterich, ICLR 2019) computed by the native {@code corrupt} kernels,
 * plus {@link #IDENTITY} (a clean sample inside a mixed batch). {@link #code()} is the native {@code rfy_corruption}
 * value and {@link #nativeName()} its name ({@code gaussian_noise}, ...), as written in output folders.
 */
public enum Corruption {
    IDENTITY(-1, null, false),
    GAUSSIAN_NOISE(0, Group.NOISE, true),
    SHOT_NOISE(1, Group.NOISE, true),
    IMPULSE_NOISE(2, Group.NOISE, true),
    DEFOCUS_BLUR(3, Group.BLUR, true),
    GLASS_BLUR(4, Group.BLUR, true),
    MOTION_BLUR(5, Group.BLUR, true),
    ZOOM_BLUR(6, Group.BLUR, true),
    SNOW(7, Group.WEATHER, true),
    FROST(8, Group.WEATHER, true),
    FOG(9, Group.WEATHER, true),
    BRIGHTNESS(10, Group.WEATHER, true),
    CONTRAST(11, Group.DIGITAL, true),
    ELASTIC_TRANSFORM(12, Group.DIGITAL, true),
    PIXELATE(13, Group.DIGITAL, true),
    JPEG_COMPRESSION(14, Group.DIGITAL, true),
    /* validation extras (ImageNet-C's "extra" set, not part of mCE) */
    SPECKLE_NOISE(15, Group.NOISE, false),
    GAUSSIAN_BLUR(16, Group.BLUR, false),
    SPATTER(17, Group.WEATHER, false),
    SATURATE(18, Group.DIGITAL, false);

    /** ImageNet-C's four families. */
    public enum Group { NOISE, BLUR, WEATHER, DIGITAL }

    public static final int MIN_SEVERITY = 1;
    public static final int MAX_SEVERITY = 5;

    private final int code;
    private final Group group;
    private final boolean benchmark;

    Corruption(int code, Group group, boolean benchmark) {
        this.code = code;
        this.group = group;
        this.benchmark = benchmark;
    }

    /** The native {@code rfy_corruption} value (-1 for identity, 0..18). */
    public int code() {
        return code;
    }

    /** e.g. {@code gaussian_noise}; {@code identity} for {@link #IDENTITY}. Equals {@code rfy_corruption_name}. */
    public String nativeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The family; null for {@link #IDENTITY}. */
    public Group group() {
        return group;
    }

    /** One of the 15 corruptions of the mCE benchmark. */
    public boolean isBenchmark() {
        return benchmark;
    }

    /** One of the 4 validation extras (speckle_noise, gaussian_blur, spatter, saturate). */
    public boolean isValidation() {
        return this != IDENTITY && !benchmark;
    }

    @Override
    public String toString() {
        return nativeName();
    }

    /** The 15 benchmark corruptions, in native order. */
    public static List<Corruption> benchmark() {
        return select(true, false);
    }

    /** The 4 validation extras. */
    public static List<Corruption> validation() {
        return select(false, true);
    }

    /** All 19 corruptions (benchmark then validation), without identity. */
    public static List<Corruption> all() {
        return select(true, true);
    }

    public static List<Corruption> inGroup(Group g) {
        List<Corruption> out = new ArrayList<>();
        for (Corruption c : all()) {
            if (c.group == g) {
                out.add(c);
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static List<Corruption> select(boolean bench, boolean validation) {
        List<Corruption> out = new ArrayList<>();
        for (Corruption c : values()) {
            if (c != IDENTITY && ((c.benchmark && bench) || (!c.benchmark && validation))) {
                out.add(c);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** The corruption of a native name ({@code gaussian_noise}, case-insensitive, '-' accepted for '_'). */
    public static Corruption fromName(String name) {
        if (name != null) {
            String key = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
            for (Corruption c : values()) {
                if (c.nativeName().equals(key)) {
                    return c;
                }
            }
        }
        throw new RobustifyException("unknown corruption '" + name + "'; valid names: " + String.join(", ",
                names()) + " (and identity)");
    }

    /** The corruption of a native code (-1..18). */
    public static Corruption fromCode(int code) {
        for (Corruption c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        throw new RobustifyException("unknown corruption code " + code + "; valid codes are -1 (identity) and 0.."
                + (values().length - 2));
    }

    /** The 19 names, benchmark first. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (Corruption c : all()) {
            out.add(c.nativeName());
        }
        return out;
    }

    /** Throws unless {@code severity} is 1..5. */
    public static void checkSeverity(int severity) {
        if (severity < MIN_SEVERITY || severity > MAX_SEVERITY) {
            throw new RobustifyException("severity must be " + MIN_SEVERITY + ".." + MAX_SEVERITY + "; got "
                    + severity);
        }
    }
}
