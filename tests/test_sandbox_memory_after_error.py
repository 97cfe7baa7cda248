"""A probe that raised while the submission held most of its memory limit in a reference cycle: the next probe has it back.

The fork server freezes its objects (`gc.freeze`), so a child's automatic collections are rare; the
child collects once after each probe, out of any `except` block (inside one, the exception and so
its frames are still alive).
"""
from __future__ import annotations

from autograder.sandbox.runner import Job, Limits
from conftest import SOLUTION

GIB_1_2 = 300_000_000  # float32 elements: 1.2 GB, twice more than the 2 GiB limit allows
HOLDS_THEN_NEEDS = SOLUTION.read_text() + f'''

_Model3 = Model3
_needed = [True]
_holds = [True]


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        if _holds[0]:  # the probe's first call
            _holds[0] = False
            held = [torch.ones({GIB_1_2})]
            held.append(held)  # a cycle: only a collection frees it
        raise ValueError("gives up, holding 1.2 GB")


class Model3(_Model3):
    def forward(self, x):
        if _needed[0]:  # the first call needs the 1.2 GB the failed probe held
            _needed[0] = False
            torch.ones({GIB_1_2}).sum()
        return super().forward(x)
'''


def test_memory_held_in_a_cycle_by_a_failed_probe_is_free_for_the_next(worker, sheet03):
    probes = [p.model_dump() for p in sheet03.probes if p.id in ("q1b", "q1c")]
    assert [p["id"] for p in probes] == ["q1b", "q1c"]
    lines = [f"line {i}" for i in range(1, HOLDS_THEN_NEEDS.count("\n") + 2)]
    record = worker.run(Job(source=HOLDS_THEN_NEEDS, line_labels=lines, probes=probes, seed=sheet03.seed),
                        Limits(memory_mb=2048, submission_seconds=60, question_seconds=30))
    assert record.load_error is None, record.stderr
    q1b, q1c = record.records["q1b"], record.records["q1c"]
    # the autoencoder probe records each call's exception in its observation (or the probe's own error)
    assert "gives up, holding 1.2 GB" in (q1b.error.message if q1b.error else q1b.model_dump_json())
    assert q1c.error is None, q1c.error
    assert q1c.observation is not None
