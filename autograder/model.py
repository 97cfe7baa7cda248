"""The plain types every part of the grader shares: observations, check results, test results.

Observations are what the sandboxed child recorded; they cross the process boundary and are
stored on disk, so they are pydantic models validated on the way in.
"""
from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, WrapValidator

from autograder.tensors import TensorData, observation_budget


class Frozen(BaseModel):
    """Base of every shared model: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Visibility(str, Enum):
    """Gradescope's visibility values; public tests are `visible`."""

    VISIBLE = "visible"
    HIDDEN = "hidden"
    AFTER_DUE_DATE = "after_due_date"
    AFTER_PUBLISHED = "after_published"


class Outcome(str, Enum):
    """How a test ended, and whose fault a failure is."""

    PASSED = "passed"
    FAILED = "failed"  # the submission's answer is wrong
    ERROR = "error"  # the submission's code raised, hung, crashed or is missing
    GRADER_ERROR = "grader_error"  # a bug of ours: never the student's fault
    MANUAL = "manual"  # graded by hand


# ---------------------------------------------------------------- what the child reports


class ProbeError(Frozen):
    """Why a probe (or one call inside it) produced no observation."""

    kind: Literal["exception", "missing", "timeout", "crashed", "memory", "bad_value", "load"]
    message: str
    exc_type: str | None = None
    where: str | None = None
    missing_module: str | None = None  # a ModuleNotFoundError's module: the student's own, or the environment's gap


class VarianceObservation(Frozen):
    """`variance(h)` on a grid and at the encoder outputs h = g(x) of the grader's batches."""

    grid: TensorData
    on_grid: TensorData | None = None
    grid_error: ProbeError | None = None
    at_h: list[TensorData] = []  # variance(h) at h = g(x) for each batch
    slope_at_h: TensorData | None = None  # d variance / d h, elementwise, at the first batch's h
    slope_spread: TensorData | None = None  # how far slope_at_h may be off, when it was taken by differences (variance() without autograd)
    at_h_error: ProbeError | None = None


class ModelCall(Frozen):
    """One call of the student's model on one of the grader's batches."""

    batch: int
    output: TensorData | None = None
    output_type: str
    error: ProbeError | None = None
    wrote_input: bool = False  # forward changed the tensor it was given (x.add_(...), x += ...)
    grads: dict[str, TensorData | None] | None = None  # first call only; None: no gradient reached it
    grad_error: ProbeError | None = None


class ModelRun(Frozen):
    """A fresh instance of the model, built with one pair of grader networks, and its calls."""

    build_error: ProbeError | None = None
    calls: list[ModelCall]
    params: dict[str, TensorData]  # g.* and f.* as they were after the calls


class AutoencoderObservation(Frozen):
    """A model(g, f) run with the sheet's networks and with invertible linear ones (see probes.nets)."""

    kind: Literal["autoencoder"] = "autoencoder"
    batches: list[TensorData]
    sheet: ModelRun
    linear: ModelRun
    variance: VarianceObservation | None = None


class Value(Frozen):
    """A value returned by student code, reduced to plain data."""

    kind: Literal["tensor", "number", "bool", "str", "none", "other", "error"]
    tensor: TensorData | None = None
    number: float | None = None
    text: str | None = None  # str values, and repr() of other kinds (capped)
    type_name: str
    error: ProbeError | None = None

    def scalar(self) -> float | None:
        """The value as one real number (nan where it was not finite): a number, or a tensor of one element
        (tensor(0.5) == 0.5 in Python); None for anything else."""
        if self.kind == "number":
            return float("nan") if self.number is None else self.number
        if self.kind == "tensor" and self.tensor is not None and self.tensor.array().size == 1:
            return float(self.tensor.array().reshape(()))
        return None


class FunctionCall(Frozen):
    """One call of a student function on grader-chosen arguments."""

    args: list[TensorData | float]
    result: Value


class FunctionObservation(Frozen):
    """Named calls of one student function (e.g. `random`, `floats`, `edge`, `broadcast`)."""

    kind: Literal["function"] = "function"
    calls: dict[str, list[FunctionCall]]


class AnswersObservation(Frozen):
    """Module-level answers: each name's value, or each key's value for dict answers."""

    kind: Literal["answers"] = "answers"
    values: dict[str, Value]  # "NAME" or "NAME[key]"


from autograder.model_module import LayerStackObservation, LogdetModuleObservation  # noqa: E402 - needs the types above

Observation = Annotated[
    Union[AutoencoderObservation, FunctionObservation, AnswersObservation, LogdetModuleObservation, LayerStackObservation],
    Field(discriminator="kind"),
    WrapValidator(observation_budget),  # decoded tensors capped per observation
]


class ProbeRecord(Frozen):
    """One probe's outcome: an observation, or the error that prevented it."""

    probe: str
    observation: Observation | None = None
    error: ProbeError | None = None
    seconds: float = 0.0


# ---------------------------------------------------------------- what the parent decides


class CheckResult(Frozen):
    """A check's verdict: passed or not, with a message for the student.

    `detail` is for instructors only (e.g. a grader error's traceback).
    """

    passed: bool
    message: str = ""
    outcome: Outcome = Outcome.PASSED
    detail: str | None = None

    @classmethod
    def ok(cls, message: str = "") -> "CheckResult":
        return cls(passed=True, message=message, outcome=Outcome.PASSED)

    @classmethod
    def fail(cls, message: str, *, outcome: Outcome = Outcome.FAILED) -> "CheckResult":
        return cls(passed=False, message=message, outcome=outcome)


class TestResult(Frozen):
    """One graded test of one submission."""

    key: str
    name: str
    question: str
    score: float
    max_score: float
    visibility: Visibility
    outcome: Outcome
    output: str
    detail: str | None = None


class RunRecord(Frozen):
    """Everything a run observed: per-probe records, or the load error, and the captured output."""

    records: dict[str, ProbeRecord]
    load_error: ProbeError | None = None
    stdout: str = ""
    stderr: str = ""
    attempts: int = 0
    seconds: float = 0.0
    isolation: str = ""
    notes: list[str] = []
    cell_errors: list[ProbeError] = []  # notebook cells that raised while the rest ran on (as otter runs a notebook)
    limits: dict[str, float] = {}  # the limits it ran under: a result is reused only under the same ones
