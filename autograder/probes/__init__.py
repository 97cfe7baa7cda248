"""What the sandboxed child records: outputs, gradients and samples on inputs the grader picks.

Probes run beside student code, so they use only the standard library, numpy and torch, and
return plain dicts (validated by the parent as `autograder.model` observations).
"""
