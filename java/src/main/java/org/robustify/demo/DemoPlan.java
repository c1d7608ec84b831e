package org.robustify.demo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo's sizes. Full: the student (ResNet-18) pre-trained for 3 epochs on 55,000 images; the teacher (cnn-tiny,
 * about 4 % of the student's multiply-adds) 2 epochs, the method's distillation into the last 2 blocks 1 epoch,
 * AugMix complete fine-tuning 3 epochs, all on the same 55,000; the thresholds calibrated on the 5,000 held out; the
 * corruption suite on 2,000 test images.
 * Quick: the same stages on smaller slices, for a check in minutes.
 *
 * @param trainImages       images every stage trains on (the first N of the training set)
 * @param calibrationImages held out from the end of the training set (never trained on) for τ_u, τ_d
 * @param suiteImages       test images of the 15 x 5 corruption suite (clean accuracy uses the whole test set)
 */
public record DemoPlan(String name, String student, int studentEpochs, String teacher, int teacherEpochs,
        int distillEpochs, String tune, int finetuneEpochs, int trainImages, int calibrationImages, int suiteImages,
        int batchSize, double wiseAlpha) {

    public static DemoPlan full() {
        return new DemoPlan("full", "resnet18", 3, "cnn-tiny", 2, 1, "last:2", 3, 55_000, 5_000, 2_000, 128, 0.5);
    }

    public static DemoPlan quick() {
        return new DemoPlan("quick", "resnet18", 2, "cnn-tiny", 2, 1, "last:2", 1, 12_000, 1_000, 400, 128, 0.5);
    }

    public DemoPlan withTeacher(String model, int epochs) {
        return new DemoPlan(name, student, studentEpochs, model, epochs, distillEpochs, tune, finetuneEpochs,
                trainImages, calibrationImages, suiteImages, batchSize, wiseAlpha);
    }

    public DemoPlan withTune(String spec, int epochs) {
        return new DemoPlan(name, student, studentEpochs, teacher, teacherEpochs, epochs, spec, finetuneEpochs,
                trainImages, calibrationImages, suiteImages, batchSize, wiseAlpha);
    }

    public DemoPlan withFinetuneEpochs(int epochs) {
        return new DemoPlan(name, student, studentEpochs, teacher, teacherEpochs, distillEpochs, tune, epochs,
                trainImages, calibrationImages, suiteImages, batchSize, wiseAlpha);
    }

    public DemoPlan withSuiteImages(int images) {
        return new DemoPlan(name, student, studentEpochs, teacher, teacherEpochs, distillEpochs, tune,
                finetuneEpochs, trainImages, calibrationImages, images, batchSize, wiseAlpha);
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("student", student);
        m.put("student_epochs", studentEpochs);
        m.put("teacher", teacher);
        m.put("teacher_epochs", teacherEpochs);
        m.put("distill_epochs", distillEpochs);
        m.put("tune", tune);
        m.put("finetune_epochs", finetuneEpochs);
        m.put("train_images", trainImages);
        m.put("calibration_images", calibrationImages);
        m.put("suite_images", suiteImages);
        m.put("batch_size", batchSize);
        m.put("wise_alpha", wiseAlpha);
        return m;
    }
}
