package org.robustify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.robustify.runtime.RobustifyException;

class TradeoffCommandTest {
    @Test
    void pgdRadiiAcceptNumbersAndFractions() {
        assertEquals(1 / 255.0, TradeoffCommand.fraction("--pgd-eps", "1/255"), 1e-15);
        assertEquals(0.25 / 255, TradeoffCommand.fraction("--pgd-step", " 0.25 / 255 "), 1e-15);
        assertEquals(0.004, TradeoffCommand.fraction("--pgd-eps", "0.004"), 1e-15);
        RobustifyException e = assertThrows(RobustifyException.class,
                () -> TradeoffCommand.fraction("--pgd-eps", "one/255"));
        assertEquals("--pgd-eps must be a number or a fraction like 1/255; got 'one/255'", e.getMessage());
    }
}
