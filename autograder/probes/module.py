"""Probe an invertible module and a container of such modules, on inputs and parameters the grader sets.

`logdet_module`: build `target(*build)`, give its parameters each of the grader's parameter sets
(the rubric's explicit ones, then seeded random ones), call `forward(z)` on the grader's batch and
record the returned tensors, the module's named methods, and log |det J| of `forward` row by row
from `torch.autograd.functional.jacobian` + `slogdet`.

`layer_stack`: build `target(*build)`, note what it holds in its `children` attribute, replace those
with the grader's own layers (the rubric's formulas, `expressions.ExpressionModule`; a held
nn.ModuleList is refilled in place, so that every name the container has for it sees them, and the
layer objects it held run the grader's layer of their place, for code that reaches them otherwise), then record
`forward(z0)` on the grader's base batch, and `sample(n)` twice, the first with the gradients of
sum(x) and of sum(log p) on every grader parameter. Before the layers are replaced, `sample(n)` runs once
through the container's own layers, given the grader's parameter sets, for the gradients on their
parameters (`own_sample`).

Both run in float64 unless the options say `dtype = "float32"`; a module's forward that raises in
float64 is run once more in float32 (see `_forward_float32`), its methods stay in float64; a container's
forward(z0) or sample(n) that raises in float64 is called once more with float32 as the default dtype and z0 in
float32 (`_attempt_float32_too`; z0 holds float32 numbers, so nothing is rounded), the grader's layers in float64. The torch
functions used to judge are taken when this module is imported, before any student code runs.
"""
from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterator
from types import BuiltinFunctionType as _BuiltinFunctionType
from types import FunctionType as _FunctionType
from types import MethodType as _MethodType

import torch
from torch import nn
from torch.nn.utils import parametrize as _parametrize

from autograder.probes import encode
from autograder.probes.encode import ProbeFailure
from autograder.probes.expressions import ExpressionModule

_jacobian = torch.autograd.functional.jacobian
_slogdet = torch.linalg.slogdet
_set_default_dtype = torch.set_default_dtype
_get_default_dtype = torch.get_default_dtype
_Tensor = torch.Tensor
_no_grad = torch.no_grad
_empty_strided = torch.empty_strided
_equal = torch.equal
_fork_rng = torch.random.fork_rng
_ModuleList = nn.ModuleList
_Sequential = nn.Sequential
_Module = nn.Module
_module_call = nn.Module.__call__
_module_getattr = nn.Module.__getattr__
_getattr_static = inspect.getattr_static
_module_forward = nn.Module.forward  # nn.Module's stand-in that raises: the class defines no forward
_clear_list = nn.ModuleList.__delitem__
_extend_list = nn.ModuleList.extend
_is_parametrized = _parametrize.is_parametrized
CLASS_NAMES = " = "  # joins a held child's class name and the submission's other global names for that class
_FLOAT32 = torch.float32
_DTYPES = {"float32": _FLOAT32, "float64": torch.float64}
_SETTINGS = (int, float, str, torch.Size, torch.dtype, type(None))  # what a layer's setting (`self.dim`) may be
_MISSING = object()
_BUILT = "_grader_layer_built"
Geometry = tuple[tuple[int, ...], tuple[int, ...], int]  # a view's size, strides and storage offset


def _dtype(options: dict) -> torch.dtype:
    return _DTYPES[options.get("dtype", "float64")]


def module_inputs(seed: int, options: dict) -> tuple[torch.Tensor, list[tuple[str, dict[str, torch.Tensor]]]]:
    """The grader's batch z (N, dim) and its named parameter sets, from the options and the seed."""
    dtype = _dtype(options)
    gen = torch.Generator().manual_seed(seed + int(options.get("stream", 11)))
    z = torch.randn(int(options.get("batch", 256)), int(options["dim"]), generator=gen, dtype=torch.float64).to(dtype)
    shapes = options["parameters"]
    sets = [(s["name"], {n: torch.tensor(s[n], dtype=torch.float64).reshape(tuple(shapes[n])).to(dtype) for n in shapes})
            for s in options.get("sets", [])]
    rand = options.get("random_sets", {})
    for k in range(int(rand.get("count", 0))):
        values = {n: (float(rand.get("scale", 1.0)) * torch.randn(tuple(shape), generator=gen, dtype=torch.float64)).to(dtype)
                  for n, shape in shapes.items()}
        sets.append((f"random set {k + 1}", values))
    return z, sets


def stack_inputs(seed: int, options: dict) -> tuple[torch.Tensor, list[dict[str, torch.Tensor]]]:
    """The grader's base batch z0 (N, dim) and the parameters of each of its layers.

    z0's values are float32 numbers (drawn in float64, rounded): a flow that runs in float32 (it casts z0, or the
    probe runs it so, see `_attempt_float32_too`) is handed the very numbers the references start from."""
    dtype = _dtype(options)
    gen = torch.Generator().manual_seed(seed + int(options.get("stream", 13)))
    z0 = torch.randn(int(options.get("batch", 256)), int(options["dim"]), generator=gen, dtype=torch.float64)
    z0 = z0.to(_FLOAT32).to(dtype)
    scale = float(options.get("scale", 1.0))
    layers = [{n: (scale * torch.randn(tuple(shape), generator=gen, dtype=torch.float64)).to(dtype)
               for n, shape in options["parameters"].items()} for _ in range(int(options["layers"]))]
    return z0, layers


def _build(ns: dict, target: str, options: dict) -> nn.Module:
    cls = ns.get(target)
    if cls is None:
        raise ProbeFailure("missing", f"`{target}` is not defined")
    module = cls(*options.get("build", []))
    if not isinstance(module, nn.Module):
        raise ProbeFailure("bad_value", f"`{target}(...)` made a {type(module).__name__}, not an nn.Module")
    return module.to(_dtype(options))  # parameters made with an explicit dtype follow the probe's


def _forward(module: nn.Module):
    """The module's `forward`, as the contract names it: calling the module, which runs forward, unless its class
    replaced nn.Module's __call__ and defines a forward of its own. pyro's TransformModule order,
    `class Layer(Transform, nn.Module)`, makes `layer(z)` Transform.__call__, which returns `_call(z)` alone."""
    cls = type(module)
    if cls.__call__ is not _module_call and getattr(cls, "forward", _module_forward) is not _module_forward:
        return module.forward
    return module


def _tensors(out: object, count: int) -> list[torch.Tensor]:
    """The `count` tensors a call returned (a tuple or list of tensors), else ProbeFailure."""
    if not isinstance(out, (tuple, list)) or len(out) != count or not all(isinstance(t, _Tensor) for t in out):
        shown = f"a {type(out).__name__}" + (f" of {len(out)}" if isinstance(out, (tuple, list)) else "")
        raise ProbeFailure("bad_value", f"returned {shown}, expected a tuple of {count} tensors")
    return list(out)


def _attempt(fn, labels: list[str], filename: str) -> tuple[object, dict | None]:
    try:
        return fn(), None
    except BaseException as exc:  # noqa: BLE001 - the error is the observation
        if isinstance(exc, (SystemExit, MemoryError)):
            raise
        return None, encode.error(exc, labels, filename)


def _holder(module: nn.Module, name: str) -> object:
    """What holds the values of the module's parameter `name`: the attribute itself, or, for a name that
    `torch.nn.utils.parametrize` maps, the parametrization's `original` (the attribute is then what the map
    computes from it: `layer.u` is the corrected vector when a fix is registered as a parametrization of u,
    and the grader's u is the vector it is computed from). None for a parametrization with several originals
    (weight_norm's g and v), set by assignment (see `_set`)."""
    if _is_parametrized(module, name):
        return getattr(module.parametrizations[name], "original", None)
    return getattr(module, name, None)


def _set(module: nn.Module, values: dict[str, torch.Tensor], target: str) -> dict:
    """Copy the grader's values into the module's parameters of those names (a (1,) value fits a () parameter);
    a parametrized name's `original` (see `_holder`), or, without one, the name by assignment, which the
    parametrization's `right_inverse` turns into its originals (weight_norm: w itself is the grader's value)."""
    read = {}
    with _no_grad():
        for name, value in values.items():
            param = _holder(module, name)
            if param is None and _is_parametrized(module, name):
                setattr(module, name, value.reshape(getattr(module, name).shape).to(getattr(module, name).dtype))
                param = getattr(module, name)
            if not isinstance(param, _Tensor):
                raise ProbeFailure("bad_value", f"`{target}` has no parameter `{name}`")
            if param.numel() != value.numel():
                raise ProbeFailure("bad_value", f"`{target}.{name}` has shape {tuple(param.shape)}; the grader sets {value.numel()} values")
            param.copy_(value.reshape(param.shape).to(param.dtype))
            read[name] = encode.tensor(param.reshape(value.shape))
    return read


def _logabsdet_rows(module: nn.Module, z: torch.Tensor, rows: int) -> torch.Tensor:
    """log |det| of each row's Jacobian, from one forward call on the first `rows` rows together.

    Not one call per row: a batch of one row is a valid input, but code that squeezes its batch
    dimension fails on it, and that is not what the log-det test grades. The Jacobian of the batch
    is (K, D, K, D); a row-wise map's row k is its block [k, :, k, :].
    """
    k = min(rows, len(z))

    def batch_map(zs: torch.Tensor) -> torch.Tensor:
        return _forward(module)(zs)[0]

    jac = _jacobian(batch_map, z[:k].clone())
    return torch.stack([_slogdet(jac[i, :, i, :])[1] for i in range(k)])


def _in_dtype(options: dict, fn):
    previous = _get_default_dtype()
    _set_default_dtype(_dtype(options))
    try:
        return fn()
    finally:
        _set_default_dtype(previous)


def logdet_probe(ns: dict, target: str, seed: int, options: dict, labels: list[str], filename: str) -> dict:
    """See the module docstring; each parameter set's failures are recorded on their own."""
    return _in_dtype(options, lambda: _logdet(ns, target, seed, options, labels, filename))


def _logdet(ns: dict, target: str, seed: int, options: dict, labels: list[str], filename: str) -> dict:
    z, sets = module_inputs(seed, options)
    module = _build(ns, target, options)
    n_out, rows = len(options["outputs"]), int(options.get("jacobian_rows", 6))
    calls = []
    for name, values in sets:
        call: dict = {"name": name, "params": _set(module, values, target), "methods": {}, "method_errors": {}}
        out, err = _attempt(lambda: _tensors(_forward(module)(z.clone()), n_out), labels, filename)
        jacobian = None
        if err is not None and z.dtype != _FLOAT32:
            out32, jacobian = _forward_float32(module, z, n_out, rows, labels, filename)
            _set(module, values, target)  # the grader's values again, in the probe's dtype
            if out32 is not None:
                out, err = out32, None
        if err is not None:
            call["error"] = err
        else:
            call["outputs"] = [encode.tensor(t) for t in out]  # type: ignore[union-attr]
        for method in options.get("methods", []):
            got, err = _attempt(lambda: getattr(module, method)(), labels, filename)
            if err is None and not isinstance(got, _Tensor):
                err = {"kind": "bad_value", "message": f"`{target}.{method}()` returned a {type(got).__name__}, not a tensor"}
            if err is not None:
                call["method_errors"][method] = err
            else:
                call["methods"][method] = encode.tensor(got)  # type: ignore[arg-type]
        if "outputs" in call:
            dets, err = jacobian or _attempt(lambda: _logabsdet_rows(module, z, rows), labels, filename)
            if err is not None:
                call["jacobian_error"] = err
            else:
                call["jacobian_logabsdet"] = encode.tensor(dets)  # type: ignore[arg-type]
        calls.append(call)
    return {"kind": "logdet_module", **_echo(options), "z": encode.tensor(z), "sets": calls}


def _forward_float32(module: nn.Module, z: torch.Tensor, n_out: int, rows: int, labels: list[str],
                     filename: str) -> tuple[list[torch.Tensor] | None, tuple[object, dict | None] | None]:
    """forward(z) and the Jacobian's (log |det|, error) with the module, the batch and new tensors in
    float32, the sheet's own default: for a forward that raised in the probe's dtype because it casts
    its input (`z = z.float()`) or makes float32 tensors, which meet the probe's float64 parameters.
    (None, None) when it raises in float32 too (the caller reports the first error). The module is put
    back in the probe's dtype; the caller sets the grader's values into it again.
    """
    with _as_float32(module):
        z32 = z.to(_FLOAT32)
        out, err = _attempt(lambda: _tensors(_forward(module)(z32.clone()), n_out), labels, filename)
        if err is not None:
            return None, None
        return out, _attempt(lambda: _logabsdet_rows(module, z32, rows), labels, filename)  # type: ignore[return-value]


@contextlib.contextmanager
def _as_float32(module: nn.Module | None) -> Iterator[None]:
    """float32 as the default dtype, the sheet's own, and `module` (if given) in float32 for the block; then the
    default dtype it was, and `module` back in it (the probe's dtype)."""
    previous = _get_default_dtype()
    _set_default_dtype(_FLOAT32)
    try:
        if module is not None:
            module.to(_FLOAT32)
        yield
    finally:
        if module is not None:
            module.to(previous)
        _set_default_dtype(previous)


def _echo(options: dict) -> dict:
    """The rubric's formulas, so that the parent's checks read them from the (verified) observation."""
    return {"formulas": dict(options["layer"]), "outputs": list(options["outputs"])}


def stack_probe(ns: dict, target: str, seed: int, options: dict, labels: list[str], filename: str) -> dict:
    """See the module docstring."""
    return _in_dtype(options, lambda: _stack(ns, target, seed, options, labels, filename))


def _standing_in(layer: object, built: dict | None = None) -> type:
    """ExpressionModule, or, in the place of a submission's layer object, a subclass of it whose objects

    - answer `isinstance(obj, type(layer))` as that layer does (Python reads an object's `__class__` when its type
      is not a subclass, as unittest.mock's spec objects use): a flow that dispatches on its layers' class
      (`if isinstance(layer, PlanarLayer)`) runs the grader's layers as it ran its own;
    - answer a name they lack as that layer would, on their own parameters (`_borrowed`): a setting (a number,
      string, dtype or size, or a tuple of them) the layer holds, as `self.layers[0].dim`; a method or property of
      the layer's class, run on the grader's layer (a flow that calls `layer.log_abs_det_jacobian(z)` beside
      `layer(z)` gets that method's maths on the grader's u, w, b and the rubric's methods); a function or a module
      without parameters or buffers the layer holds (`self.h = torch.tanh`, `nn.Tanh()`); any other attribute of
      the layer's class (a Transform's `domain`). Never a tensor, a bound method or closure of the layer, or a
      module with state: those would compute with the layer's own values;
    - are called (`layer(z)`) as the layer's class calls its objects when a library base gives it its `__call__`
      (pyro's order, `class Layer(Transform, nn.Module)`: Transform.__call__ returns `_call(z)`, cached), so that a
      flow sampling through `TransformedDistribution(base, list(self.layers))` runs the grader's layers; a `__call__`
      the submission wrote (a Flax port's) is its layer's maths: the grader's layer answers with its own forward.
    The type keeps ExpressionModule's name, so an error about a method it lacks names the grader's layer."""
    if not isinstance(layer, _Module):
        return ExpressionModule
    cls = type(layer)

    def __getattr__(self: nn.Module, name: str) -> object:
        try:
            return _module_getattr(self, name)
        except AttributeError:
            if not vars(self).get(_BUILT):  # while it is built, its own names are not yet there: nothing is borrowed
                raise
            value = _borrowed(layer, name, self, built)
            if value is _MISSING:
                raise
            return value

    def __init__(self: nn.Module, *args: object) -> None:
        ExpressionModule.__init__(self, *args)  # type: ignore[arg-type]
        vars(self)[_BUILT] = True

    names = {"__init__": __init__, "__class__": property(lambda self: cls), "__getattr__": __getattr__,
             "__module__": ExpressionModule.__module__}
    owner = next((k for k in cls.__mro__ if "__call__" in vars(k)), _Module)
    if owner not in _Module.__mro__ and owner.__module__ != _home(cls) and isinstance(vars(owner)["__call__"], _FunctionType):
        names["__call__"] = vars(owner)["__call__"]  # `layer(z)` as a library base answers it (Transform.__call__: y, cached)
    return type(ExpressionModule.__name__, (ExpressionModule,), names)


def _borrowed(layer: nn.Module, name: str, grader: nn.Module, built: dict | None = None) -> object:
    """What the grader's layer standing in for `layer` answers for `name`, which it lacks (see `_standing_in`);
    _MISSING for nothing. An instance attribute (of `built`, the layer's attributes as it was built, when given) is
    taken only when it carries no values of the layer's own."""
    static = _getattr_static(type(layer), name, _MISSING)
    held = (vars(layer) if built is None else built).get(name, layer._modules.get(name, _MISSING))
    if isinstance(held, _MethodType) and held.__self__ is grader:  # put there by `_put_layers`: the class's own method
        held = _MISSING
    if held is not _MISSING and not isinstance(static, property):  # a property comes before the instance's names
        return held if _is_setting(held) or _stateless(held) else _MISSING
    if isinstance(static, staticmethod):
        return static.__func__
    if isinstance(static, classmethod):
        return _MethodType(static.__func__, type(layer))
    if isinstance(static, property):
        return _MISSING if static.fget is None else static.fget(grader)
    if isinstance(static, _FunctionType):
        return _MethodType(static, grader)
    return static if static is not _MISSING and _class_level(static) else _MISSING


def _attributes(layer: object) -> dict | None:
    """A layer's instance attributes as they are now (a shallow copy): what it was built with, before the grader runs
    it and it caches what it computed (a torch Transform's `_cached_x_y`, (None, None) when built)."""
    return dict(vars(layer)) if isinstance(layer, _Module) else None


def _class_level(value: object) -> bool:
    """A value the layer's class holds for all its objects (a setting, or an object such as torch.distributions'
    `domain = constraints.real_vector`): shared by every object of the class, it carries no values of one layer.
    Never a tensor or a module with parameters or buffers (a class-level constant of that kind is the class's)."""
    if isinstance(value, _Tensor):
        return False
    return _stateless(value) if isinstance(value, _Module) else True


def _stateless(value: object) -> bool:
    """A function without a closure (`torch.tanh`, a lambda of its argument) or a module with no parameters or buffers."""
    if isinstance(value, _Module):
        return next(value.parameters(), None) is None and next(value.buffers(), None) is None
    if isinstance(value, _FunctionType):
        return value.__closure__ is None
    return isinstance(value, _BuiltinFunctionType)


def _is_setting(value: object) -> bool:
    if isinstance(value, (tuple, list)):
        return all(_is_setting(v) for v in value)
    return isinstance(value, _SETTINGS)


def _grader_layers(options: dict, layers: list[dict[str, torch.Tensor]], like: list[object],
                   built: list[dict | None] | None = None) -> nn.ModuleList:
    """The grader's layers with the given parameter values, each standing in for the object in `like` of its place,
    as that object was built (`built`: its instance attributes before the grader ran it, see `_attributes`)."""
    mods = []
    snapshots = [*(built or [None] * len(like)), *[None] * len(layers)]
    for values, layer, snapshot in zip(layers, [*like, *[None] * len(layers)], snapshots):
        mod = _standing_in(layer, snapshot)(options["parameters"], options["layer"], options["outputs"], options.get("methods", []))
        with _no_grad():
            for n, v in values.items():
                getattr(mod, n).copy_(v)
        mods.append(mod)
    return nn.ModuleList(mods)


def _class_names(ns: dict, cls: type) -> str:
    """`cls`'s own name, then the submission's other global names for it or for a class of the submission it
    derives from: "MyLayer = Layer" for a class MyLayer after `Layer = MyLayer`, or for `class MyLayer(Layer)`
    (its objects are Layer objects too)."""
    own = str(cls.__name__)
    bases = [c for c in cls.__mro__[1:] if getattr(c, "__module__", None) == ns.get("__name__")]
    others = sorted(str(n) for n, v in list(ns.items()) if (v is cls or any(v is c for c in bases)) and n != own)
    return CLASS_NAMES.join([own, *others])


def _compiled_inner(child: object) -> object:
    """The module `torch.compile(module)` wraps (an OptimizedModule keeps it as its `_orig_mod` submodule), else the
    child itself: `nn.ModuleList([torch.compile(Layer(dim)) for _ in range(K)])` holds K Layer objects."""
    if type(child).__name__ == "OptimizedModule" and isinstance(child, _Module):
        inner = child._modules.get("_orig_mod")
        if isinstance(inner, _Module):
            return inner
    return child


def _held(own: object) -> list:
    """The layers a container holds in its layer attribute: the entries of a list-like holder, else none."""
    return list(own) if isinstance(own, (_ModuleList, _Sequential, list, tuple)) else []


def _put_layers(module: nn.Module, attr: str, own: object, grader: nn.ModuleList, methods: list[str]) -> None:
    """Put the grader's layers where the container keeps its own.

    A held nn.ModuleList is emptied and refilled in place: a read-only property that returns it, or a
    second attribute bound to the same list, then gives the grader's layers too (`setattr` alone
    would put them beside the property, where the container's code never looks). Anything else
    (a Python list, an nn.Sequential, nothing) is replaced by setting the attribute.
    The container's own layer objects then compute the grader's layer of their place (its `forward` and
    `methods`, its parameters, and their class's other methods bound to it, put in their instance dict): code
    that reaches them through another container built from the same objects (`self.flows = [...];
    self.layers = nn.ModuleList(self.flows)`, a loop over the Python list) runs the grader's layers too, also
    where it calls `flow.log_abs_det_jacobian(z)` or reads `flow.w`.
    """
    mine = _held(own)
    if isinstance(own, _ModuleList):
        _clear_list(own, slice(None))
        _extend_list(own, list(grader))
    else:
        setattr(module, attr, grader)
    for layer, theirs in zip(mine, grader):
        if isinstance(layer, _Module):
            for name, func in _class_functions(type(layer)).items():
                vars(layer)[name] = _MethodType(func, theirs)
            for name, param in theirs.named_parameters(recurse=False):
                vars(layer)[name] = param
            for name in ("forward", *methods):
                vars(layer)[name] = getattr(theirs, name)


def _home(cls: type) -> str:
    """The module of a layer's class, the submission's; for the subclass torch.nn.utils.parametrize makes of a layer
    it maps (`ParametrizedLayer`, of that torch module), the module of the class it was made from."""
    return next((str(k.__module__) for k in cls.__mro__ if k.__module__ != _parametrize.__name__), str(cls.__module__))


def _class_functions(cls: type) -> dict[str, object]:
    """The plain functions (methods) a layer class and its bases of the same module (the submission's) define, but
    for dunder names. A library base's methods (torch.distributions' Transform: `_inv_call` reads the cache that
    Transform.__call__, looked up on the class, keeps on the layer object) stay the object's own: they run on its
    state, call the methods rebound here, and read the grader's parameters put into its instance dict."""
    found: dict[str, object] = {}
    for klass in reversed(cls.__mro__):
        if klass in _Module.__mro__ or getattr(klass, "__module__", None) != _home(cls):
            continue
        for name, value in vars(klass).items():
            if isinstance(value, _FunctionType) and not (name.startswith("__") and name.endswith("__")):
                found[name] = value
    return found


def _stack(ns: dict, target: str, seed: int, options: dict, labels: list[str], filename: str) -> dict:
    z0, layers = stack_inputs(seed, options)
    module = _build(ns, target, options)
    attr = options.get("children", "layers")
    own = getattr(module, attr, None)
    is_list = isinstance(own, _ModuleList)
    held = {"type_name": type(own).__name__,
            "count": len(own) if is_list else None,
            "children": [_class_names(ns, type(_compiled_inner(c))) for c in own] if is_list else [],
            "distinct": len({id(c) for c in own}) if is_list else None}
    built = [_attributes(c) for c in _held(own)]
    obs_own = _own_sample(module, own, layers, options, labels, filename) if is_list and len(own) == len(layers) else None
    grader = _grader_layers(options, layers, _held(own), built)
    _put_layers(module, attr, own, grader, list(options.get("methods", [])))
    params = {f"{k}.{n}": encode.tensor(p) for k, layer in enumerate(grader) for n, p in layer.named_parameters()}
    obs: dict = {"kind": "layer_stack", **_echo(options), "inverse": dict(options.get("inverse", {})), "z": encode.tensor(z0), "held": held, "params": params}
    out, err = _attempt_float32_too(options, lambda z: [t.detach() for t in _tensors(_forward(module)(z), 2)], z0, labels, filename)
    obs["forward"] = {"error": err} if err is not None else {"outputs": [encode.tensor(t) for t in out]}  # type: ignore[union-attr]
    n = int(options.get("sample", 256))
    samples = []
    for k in range(int(options.get("sample_calls", 2))):
        for p in grader.parameters():
            p.grad = None
        got, err = _attempt_float32_too(options, lambda _: _tensors(module.sample(n), 2), None, labels, filename)
        if err is not None:
            samples.append({"error": err})
            continue
        call: dict = {"outputs": [encode.tensor(t) for t in got]}  # type: ignore[union-attr]
        if k == 0:
            named = [(f"{i}.{n}", p, tuple(p.shape), None) for i, layer in enumerate(grader) for n, p in layer.named_parameters()]
            call["grads"] = _grads(named, got, labels, filename, call)  # type: ignore[arg-type]
        samples.append(call)
    obs["samples"] = samples
    obs["own_sample"] = obs_own
    return obs


def _attempt_float32_too(options: dict, fn, z: torch.Tensor | None, labels: list[str], filename: str,
                         module: nn.Module | None = None) -> tuple[object, dict | None]:
    """fn(z) in the probe's dtype; if it raises there, fn once more with float32 as the default dtype (the sheet's
    own), z in float32, and `module` (the container with its own layers, if given) in float32 until fn returns: a
    flow that meets float32 tensors it made at import (a LowRankMultivariateNormal base made by a shape check at
    the end of the file, whose log_prob refuses a float64 z0) runs as it runs for its author. The grader's layers
    are never given: they compute in float64 whatever they are handed. The first error is reported when float32
    raises as well."""
    out, err = _attempt(lambda: fn(None if z is None else z.clone()), labels, filename)
    if err is None or _dtype(options) == _FLOAT32:
        return out, err
    with _as_float32(module):
        out32, err32 = _attempt(lambda: fn(None if z is None else z.to(_FLOAT32)), labels, filename)
    return (out32, None) if err32 is None else (None, err)


def _own_sample(module: nn.Module, own: nn.ModuleList, layers: list[dict[str, torch.Tensor]], options: dict,
                labels: list[str], filename: str) -> dict:
    """sample(n) through the submission's own layers, each given the grader's parameter set of its place, with the
    gradients of sum(x) and of sum(log p) on those parameters: a layer whose û comes from `.data` or `no_grad`
    passes every value test and never learns u. Run in a forked generator state: the draws after it are as before."""
    names: list[tuple[str, torch.Tensor, tuple[int, ...], Geometry | None]] = []
    for k, (layer, values) in enumerate(zip(own, layers)):
        _, err = _attempt(lambda: _set(layer, values, "layer"), labels, filename)
        if err is not None:
            return {"error": err}
        for n, v in values.items():
            held = _holder(layer, n)
            leaf = _leaf(held)
            geometry = None if held is leaf or leaf is None else _geometry(held)
            if leaf is None or held.numel() != v.numel() or not _reads_back(leaf, geometry, held):
                return {"error": {"kind": "bad_value", "message": f"layer {k}'s `{n}` is not a tensor the layer holds"}}
            names.append((f"{k}.{n}", leaf, tuple(v.shape), geometry))
    def run(_: None) -> dict:
        got = _tensors(module.sample(int(options.get("sample", 256))), 2)
        call: dict = {}
        call["grads"] = _grads(names, got, labels, filename, call)
        return call

    with _fork_rng(devices=[]):
        call, err = _attempt_float32_too(options, run, None, labels, filename, module=module)
    return {"error": err} if err is not None else call  # type: ignore[return-value]


def _leaf(t: object) -> torch.Tensor | None:
    """The tensor whose `.grad` holds a parameter's gradient: itself, or what a view of it (a property returning
    `self.linear.weight.view(-1)`, or `self.theta[:dim]` of one flat parameter) is a view of; None for a value
    computed afresh."""
    while isinstance(t, _Tensor) and not t.is_leaf and t._base is not None:
        t = t._base
    return t if isinstance(t, _Tensor) and t.is_leaf else None


def _reads_back(leaf: torch.Tensor, geometry: Geometry | None, held: torch.Tensor) -> bool:
    """Whether the view's part of its leaf (see `_part`) is the view itself: then its gradient is read the same way
    (always, for the leaf itself)."""
    if geometry is None:
        return True
    try:
        with _no_grad():
            return bool(_equal(_part(leaf, geometry, leaf.detach()), held.detach()))
    except RuntimeError:  # a layout `_part` cannot rebuild (e.g. overlapping strides)
        return False


def _geometry(view: torch.Tensor) -> Geometry:
    """Where a view's elements sit in its base's storage: size, strides, storage offset."""
    return tuple(view.size()), tuple(view.stride()), int(view.storage_offset())


def _part(leaf: torch.Tensor, geometry: Geometry, values: torch.Tensor) -> torch.Tensor:
    """The view's elements of `values`, a tensor of the leaf's shape: `values` laid out as the leaf is in its
    storage, then read at the view's places."""
    size, stride, offset = geometry
    laid = _empty_strided(tuple(leaf.size()), tuple(leaf.stride()), dtype=values.dtype).copy_(values)
    return laid.as_strided(size, stride, offset - int(leaf.storage_offset()))


def _grad_of(leaf: torch.Tensor, geometry: Geometry | None) -> torch.Tensor | None:
    """The leaf's gradient, or a view's part of it; None where no gradient reached it."""
    grad = leaf.grad
    return grad if grad is None or geometry is None else _part(leaf, geometry, grad)


def _grads(names: list[tuple[str, torch.Tensor, tuple[int, ...], Geometry | None]], outputs: list[torch.Tensor],
           labels: list[str], filename: str, call: dict) -> dict | None:
    """Gradients of sum(x), then of sum(log p), on each named parameter (a view's: its part of its base's gradient),
    in the grader's shape (None where none reached it). The first go into the call's `grads`, the second into
    `grads_log_prob`.
    """
    found = []
    for k, t in enumerate(outputs):
        for _, p, _, _ in names:
            p.grad = None
        if t.requires_grad:
            _, err = _attempt(lambda: t.sum().backward(retain_graph=k == 0), labels, filename)
            if err is not None:
                call["grad_error"] = err
                return None
        grads = {key: _grad_of(p, geometry) for key, p, _, geometry in names}
        found.append({key: encode.tensor(grads[key].reshape(shape)) if grads[key] is not None else None  # type: ignore[union-attr]
                      for key, _, shape, _ in names})
    call["grads_log_prob"] = found[1]
    return found[0]
