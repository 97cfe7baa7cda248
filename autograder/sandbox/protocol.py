"""The messages a child may send, validated in the parent: nothing else is accepted."""
from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, TypeAdapter

from autograder.model import Frozen, Observation, ProbeError


class Hello(Frozen):
    type: Literal["hello"]
    pid: int


class Loaded(Frozen):
    type: Literal["loaded"]
    cell_errors: list[ProbeError] = Field(default_factory=list, max_length=20)  # notebook cells that raised, in order


class Cell(Frozen):
    type: Literal["cell"]  # a notebook cell has run (or stopped): the next cell's time starts


class LoadError(Frozen):
    type: Literal["load_error"]
    error: ProbeError


class ProbeStart(Frozen):
    type: Literal["probe_start"]
    probe: str


class ObservationMessage(Frozen):
    type: Literal["observation"]
    probe: str
    observation: Observation
    seconds: float = 0.0


class ProbeErrorMessage(Frozen):
    type: Literal["probe_error"]
    probe: str
    error: ProbeError
    seconds: float = 0.0


class Done(Frozen):
    type: Literal["done"]


Message = Annotated[
    Union[Hello, Cell, Loaded, LoadError, ProbeStart, ObservationMessage, ProbeErrorMessage, Done], Field(discriminator="type")
]
MESSAGE = TypeAdapter(Message)
MAX_LINE = 32 << 20


def parse(line: bytes) -> Message:
    """Validate one JSON line from the child (raises pydantic.ValidationError or ValueError)."""
    if len(line) > MAX_LINE:
        raise ValueError(f"a message of {len(line)} bytes")
    return MESSAGE.validate_json(line)
