package org.robustify.attack;

/** The threat model's norm: the perturbation ball an attack stays inside, in [0,1] pixel space. */
public enum AttackNorm {
    LINF,
    L2
}
