/*
 * Kernel family: distill. The fused distillation loss of the robustify method, per row i of a (student, teacher)
 * pair of [B, C] logits:
 *
 *   loss_i = ce_weight * CE_ls(s_i, y_i) + kd_weight * T^2 * w_i * KL(q_i || softmax(s_i / T))
 *
 *   CE_ls       cross-entropy with label smoothing eps: -(1-eps) log p[y] - eps/C sum_j log p_j, p = softmax(s)
 *   q_i         softmax(t_i / T) when the teacher is given as logits, or t_i itself when given as probabilities
 *   w_i         1 (UNIFORM); 1 - H(q_i)/log C (ENTROPY); that, zeroed when argmax t_i != y_i (ENTROPY_CORRECT);
 *               or row_weights[i] (GIVEN). w carries no gradient.
 *
 * One call computes the loss and d(loss)/d(student) for one or several pairs (e.g. the method's clean and robust
 * heads) in two passes over each row (sums, then gradient) with no B x C temporaries besides the gradient.
 *
 * Rows whose label equals ignore_index contribute nothing (loss 0, gradient 0). Reductions:
 *   MEAN  sum of row losses / number of non-ignored rows (0 when none). Without ignored rows this equals
 *         PyTorch's cross_entropy(mean) * ce_weight + kd_weight * T^2 * kl_div(reduction='batchmean') for w = 1.
 *   SUM   sum of row losses.
 *   NONE  no reduction: `grad` row i holds d(loss_i)/d(student_i) (the Jacobian's diagonal blocks), so a caller
 *         with upstream gradients g_i scales row i by g_i.
 * Deterministic: per-row values go to `rows`, then are summed in row order.
 *
 * -inf logits are allowed where they mean "impossible class": a teacher -inf gives q_j = 0 (no KD term for j);
 * a student -inf where q_j = 0 and eps = 0 is finite. A teacher row with no finite entry contributes no KD term.
 */
#ifndef ROBUSTIFY_DISTILL_H
#define ROBUSTIFY_DISTILL_H

#include "robustify/robustify.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rfy_teacher_kind { RFY_TEACHER_LOGITS = 0, RFY_TEACHER_PROBS = 1 } rfy_teacher_kind;

typedef enum rfy_kd_weighting {
  RFY_KD_WEIGHT_UNIFORM = 0,
  RFY_KD_WEIGHT_ENTROPY = 1,
  RFY_KD_WEIGHT_ENTROPY_CORRECT = 2,
  RFY_KD_WEIGHT_GIVEN = 3
} rfy_kd_weighting;

typedef enum rfy_reduction { RFY_REDUCE_MEAN = 0, RFY_REDUCE_SUM = 1, RFY_REDUCE_NONE = 2 } rfy_reduction;

/* Columns of `rows` and entries of `stats`. */
#define RFY_DISTILL_ROW_TOTAL 0
#define RFY_DISTILL_ROW_CE 1     /* ce_weight * CE */
#define RFY_DISTILL_ROW_KD 2     /* kd_weight * T^2 * w * KL */
#define RFY_DISTILL_ROW_WEIGHT 3 /* w */
#define RFY_DISTILL_ROW_COLUMNS 4
#define RFY_DISTILL_STAT_VALID_ROWS 4 /* stats[4]: number of non-ignored rows */
#define RFY_DISTILL_STATS 5

typedef struct rfy_distill_options {
  float temperature;     /* T > 0 */
  float kd_weight;       /* lambda >= 0 */
  float ce_weight;       /* >= 0 */
  float label_smoothing; /* eps in [0, 1] */
  int32_t teacher_kind;  /* rfy_teacher_kind */
  int32_t weighting;     /* rfy_kd_weighting */
  int32_t reduction;     /* rfy_reduction */
  int32_t accumulate;    /* 0: grad = d(loss)/d(student); 1: grad += d(loss)/d(student), e.g. straight into a leaf's
                            .grad, saving the separate accumulation pass (ignored rows then leave grad as it was) */
  int64_t ignore_index;  /* label value of rows to skip (PyTorch's default: -100) */
} rfy_distill_options;

/* T = 4, lambda = 1, ce_weight = 1, eps = 0, teacher logits, UNIFORM, MEAN, no accumulation, ignore_index = -100. */
RFY_API void rfy_distill_default_options(rfy_distill_options* options);

typedef struct rfy_distill_pair {
  rfy_distill_options options;
  const rfy_tensor* student;     /* [B, C] logits; float32 or float64 (CPU), float32/16, bfloat16, float64 (CUDA) */
  const rfy_tensor* teacher;     /* [B, C], same dtype and device */
  const rfy_tensor* row_weights; /* [B] float32 when weighting == GIVEN; else NULL */
  const rfy_tensor* grad;        /* out [B, C], student dtype: d(reduced loss)/d(student) (in/out when accumulating) */
  const rfy_tensor* rows;        /* out [B, 4] float32 (or float64 on CPU): total, CE, KD term, w per row
                                    (0 for ignored rows) */
  const rfy_tensor* stats;       /* out [5], dtype of rows: total, CE, KD reduced per options.reduction (NONE sums),
                                    mean w over non-ignored rows, number of non-ignored rows */
} rfy_distill_pair;

/* labels: [B] int64 on the pairs' device, shared by all pairs (which must have the same B). The class
 * dimension of student, teacher and grad must have stride 1. CPU labels outside [0, C) other than ignore_index are
 * an error; the CUDA path treats them as ignored rows (it cannot raise an error from the device). */
RFY_API rfy_status rfy_distill_loss(const rfy_distill_pair* pairs, int32_t num_pairs, const rfy_tensor* labels,
                                    int32_t path, rfy_cuda_stream stream);

#ifdef __cplusplus
}
#endif

#endif
