"""The statistical core: estimates, intervals, band confidence, differences between agents, agreement.

Pure functions of plain data (numbers, sequences, small frozen dataclasses), built on scipy,
statsmodels and krippendorff. Reports, calibration and the SLA planner load their data, call
these and show what comes back; none of them computes a statistic itself. docs/methods.md
says, figure by figure, which function makes it and why that method.
"""
