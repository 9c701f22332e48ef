"""thidua: emulation and commendation platform (thi đua – khen thưởng)."""

__version__ = "0.1.0"
