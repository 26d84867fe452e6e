"""The audit trail of trust actions (calibration, disputes...): who did what, when, before and after."""
