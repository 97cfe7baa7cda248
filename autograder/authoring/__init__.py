"""Authoring: one assignment source -> student notebook and template, reference solution, otter zip."""
from autograder.authoring.build import build_assignment, render_committed, sync

__all__ = ["build_assignment", "render_committed", "sync"]
