package org.robustify.method;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.model.branch.BranchedModel;

/** The last step of {@code robustify distill}: calibrate τ_u, τ_d on the held-out split and save them with the model. */
final class Calibrate {
    /** Written next to model.pt. */
    static final String FILE = "thresholds.json";

    private Calibrate() {}

    static Map<String, Object> afterDistill(BranchedModel model, ImageDataset heldOut, DistillSettings settings,
            Path out) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (heldOut.size() == 0) {
            m.put("calibration", "skipped (--calibration-images 0): predict with --policy clean|robust|orig|average, "
                    + "or give thresholds");
            return m;
        }
        long start = System.nanoTime();
        CalibrationOptions options = CalibrationOptions.defaults(FashionMnist.MEAN, FashionMnist.STD)
                .withSeverities(settings.calibrationSeverities()).withSeed(settings.calibrationSeed());
        Thresholds t = ThresholdCalibration.calibrate(model, heldOut, options);
        t.save(out.resolve(FILE));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.err.printf(Locale.ROOT, "calibrated on %d held-out images: tau_u %.4f, tau_d %.4f; accuracy clean %.4f, "
                + "corrupted %.4f (%.1f s)%n", heldOut.size(), t.tauU(), t.tauD(), t.select().clean(),
                t.select().corrupted(), seconds);
        Map<String, Object> c = new LinkedHashMap<>(t.toJson());
        c.put("file", FILE);
        c.put("seconds", seconds);
        m.put("calibration", c);
        return m;
    }
}
