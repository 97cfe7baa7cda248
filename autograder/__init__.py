"""Auto-grading of ML exercise sheets: load, run isolated, check, score, write."""

__version__ = "0.1.0"
