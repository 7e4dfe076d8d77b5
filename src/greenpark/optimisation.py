"""The one way greenpark solves linear and mixed-integer programmes: HiGHS in named steps.

Every model (PV + battery sizing, the roadmap MILP, symbiosis matching) goes through the same three steps, as
PyPSA does:

1. **build**: the model's own module fills a :class:`LinearProgram` (cost vector, bounds, a sparse constraint
   matrix with row bounds, which columns are integer); :class:`Rows` collects rows block by block;
2. **solve**: :func:`solve` hands it to HiGHS (quietly: no banner on stdout), tries the given option sets in
   turn, checks the model status and raises :class:`~greenpark.errors.SolverError` naming the model, the
   status and what to check when no optimum is reached;
3. **read back**: :class:`Solution` holds the column values, the row duals (LPs), the objective and the status;
   the model's module turns them into its typed result.

A sequence of LPs that share one matrix and differ in costs and bounds (a battery's dispatch week after week)
goes through :class:`Resolver` instead of :func:`solve`: one HiGHS instance, each solve started from the last
optimal basis.

References
----------
.. [1] Q. Huangfu, J. A. J. Hall, "Parallelizing the dual revised simplex method", Math. Prog. Comp. 10,
   119-142, 2018 (HiGHS).
.. [2] T. Brown, J. Hörsch, D. Schlachtberger, "PyPSA: Python for Power System Analysis", J. Open Research
   Software 6(1), 2018 (build / solve / read back).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import highspy
import numpy as np
import scipy.sparse as sp

from greenpark.errors import InputError, SolverError

log = logging.getLogger(__name__)

INF = highspy.kHighsInf
_ADVICE = {
    "Infeasible": "no solution meets every constraint: check that limits and targets can be met together",
    "Unbounded": "the objective can improve without limit: a column lacks a bound or a cost has the wrong sign",
    "Primal infeasible or unbounded": "the model is infeasible or unbounded: check bounds, limits and cost signs",
    "Time limit reached": "HiGHS ran out of time before an optimum: allow more time or make the model smaller",
}


@dataclass
class LinearProgram:
    """minimise (or maximise) cost @ x  s.t.  row_lower <= a @ x <= row_upper,  col_lower <= x <= col_upper,
    x_j integer where ``integer[j]``.

    ``a`` is any scipy sparse matrix (rows x columns); infinite bounds are ``numpy.inf`` or :data:`INF`.
    ``name`` names the model in messages (e.g. ``"T01: PV + battery sizing"``).
    """

    name: str
    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    a: sp.spmatrix | sp.sparray
    row_lower: np.ndarray
    row_upper: np.ndarray
    integer: np.ndarray | None = None
    sense: Literal["min", "max"] = "min"

    @property
    def n_cols(self) -> int:
        return len(self.cost)

    @property
    def n_rows(self) -> int:
        return len(self.row_lower)

    def check(self) -> None:
        """Refuse a model whose parts do not fit together or hold NaN, naming the part."""
        n, m = self.n_cols, self.n_rows
        sizes = {"col_lower": len(self.col_lower), "col_upper": len(self.col_upper), "row_upper": len(self.row_upper)}
        want = {"col_lower": n, "col_upper": n, "row_upper": m}
        bad = [f"{k} has {v}, expected {want[k]}" for k, v in sizes.items() if v != want[k]]
        if self.a.shape != (m, n):
            bad.append(f"constraint matrix is {self.a.shape[0]} x {self.a.shape[1]}, expected {m} x {n}")
        if self.integer is not None and len(self.integer) != n:
            bad.append(f"integer has {len(self.integer)}, expected {n}")
        for part in ("cost", "col_lower", "col_upper", "row_lower", "row_upper"):
            if np.isnan(np.asarray(getattr(self, part), float)).any():
                bad.append(f"{part} has NaN")
        if self.a.nnz and not np.isfinite(sp.csc_matrix(self.a).data).all():
            bad.append("constraint matrix has a non-finite coefficient")
        if bad:
            raise InputError(f"{self.name}: the model does not fit together ({'; '.join(bad)}); this is a bug in "
                             "the model's build step: report it with the input that caused it")  # fmt: skip


class Rows:
    """Constraint rows collected block by block (COO triplets), then one sparse matrix.

    ``add(cols, vals, lower, upper)`` adds one row; ``add_block(rows, cols, vals, lower, upper)`` adds
    ``len(lower)`` rows whose triplets use row numbers 0.. within the block. Both return the new rows' indices.
    """

    def __init__(self) -> None:
        self._r: list[np.ndarray] = []
        self._c: list[np.ndarray] = []
        self._v: list[np.ndarray] = []
        self._lo: list[np.ndarray] = []
        self._hi: list[np.ndarray] = []
        self.n = 0

    def add_block(
        self,
        rows: np.ndarray,
        cols: np.ndarray,
        vals: np.ndarray | float,
        lower: np.ndarray | float,
        upper: np.ndarray | float,
        n_rows: int | None = None,
    ) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        k = int(n_rows if n_rows is not None else (np.size(lower) if np.ndim(lower) else rows.max() + 1))
        self._r.append(self.n + rows)
        self._c.append(cols)
        self._v.append(np.broadcast_to(np.asarray(vals, float), rows.shape).astype(float))
        self._lo.append(np.broadcast_to(np.asarray(lower, float), (k,)).astype(float))
        self._hi.append(np.broadcast_to(np.asarray(upper, float), (k,)).astype(float))
        index = np.arange(self.n, self.n + k)
        self.n += k
        return index

    def add(self, cols: Sequence[int] | np.ndarray, vals: Sequence[float] | np.ndarray | float, lower: float,
            upper: float) -> int:  # fmt: skip
        cols = np.asarray(cols, dtype=np.int64)
        v = np.asarray(vals, float)
        return int(self.add_block(np.zeros(len(cols), np.int64), cols, v, lower, upper, n_rows=1)[0])

    def matrix(self, n_cols: int) -> sp.csc_matrix:
        if not self._r:
            return sp.csc_matrix((0, n_cols))
        return sp.csc_matrix(
            (np.concatenate(self._v), (np.concatenate(self._r), np.concatenate(self._c))), shape=(self.n, n_cols)
        )

    @property
    def lower(self) -> np.ndarray:
        return np.concatenate(self._lo) if self._lo else np.zeros(0)

    @property
    def upper(self) -> np.ndarray:
        return np.concatenate(self._hi) if self._hi else np.zeros(0)


@dataclass
class Solution:
    """What HiGHS returned: ``x`` column values, ``row_dual`` (None when HiGHS has none, e.g. a MILP),
    ``objective`` in the model's own sense, ``status`` HiGHS' model status text, and whether the time limit
    stopped it with a feasible point (``time_limit_reached``; only when the caller accepted that)."""

    x: np.ndarray
    objective: float
    status: str
    row_dual: np.ndarray | None = None
    time_limit_reached: bool = False
    options: dict[str, bool | float | str] = field(default_factory=dict)


def quiet_highs() -> highspy.Highs:
    """A HiGHS instance with logging off.

    HiGHS writes its banner to the C stdout when the first instance is made, before any option can be set; that
    would corrupt ``--json`` output, so fd 1 is pointed at /dev/null for the construction only. Every instance
    asks for one thread: HiGHS' task scheduler is global to the process and fixed by the first run, and a later
    run asking another thread count fails with status 'Not Set'.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    return h


def _highs_lp(lp: LinearProgram) -> highspy.HighsLp:
    a = sp.csc_matrix(lp.a)
    a.sort_indices()
    out = highspy.HighsLp()
    out.num_col_ = lp.n_cols
    out.num_row_ = lp.n_rows
    out.col_cost_ = np.asarray(lp.cost, float)
    out.col_lower_ = _finite(lp.col_lower)
    out.col_upper_ = _finite(lp.col_upper)
    out.row_lower_ = _finite(lp.row_lower)
    out.row_upper_ = _finite(lp.row_upper)
    out.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    out.a_matrix_.start_ = a.indptr
    out.a_matrix_.index_ = a.indices
    out.a_matrix_.value_ = a.data
    if lp.sense == "max":
        out.sense_ = highspy.ObjSense.kMaximize
    if lp.integer is not None and np.any(lp.integer):
        kinds = [highspy.HighsVarType.kInteger if k else highspy.HighsVarType.kContinuous for k in lp.integer]
        out.integrality_ = kinds
    return out


def solve(
    lp: LinearProgram,
    *,
    hint: str = "",
    strategies: Sequence[Mapping[str, bool | float | str]] = ({},),
    time_limit_s: float | None = None,
    accept_time_limit: bool = False,
) -> Solution:
    """Solve ``lp`` with HiGHS; the optimum, or a :class:`~greenpark.errors.SolverError` that says what to do.

    Parameters
    ----------
    lp : LinearProgram
        The built model (checked first).
    hint : str
        What the caller's user should check when no optimum is found (e.g. "check that the load and prices are
        finite"); added to the error message after HiGHS' status and its generic advice.
    strategies : sequence of dict
        HiGHS option sets tried in turn until one reaches the optimum (e.g. interior point without, then with
        crossover); the empty default is HiGHS' own choice.
    time_limit_s : float, optional
        HiGHS time limit per attempt.
    accept_time_limit : bool
        When the time limit stops HiGHS with a feasible point, return it (``time_limit_reached`` set, a warning
        logged) instead of raising.

    Raises
    ------
    SolverError
        No optimum: the message names the model, HiGHS' status, what it usually means and ``hint``.
    """
    lp.check()
    if lp.n_cols == 0:  # nothing to choose (e.g. no candidate measure): HiGHS calls this 'Empty', not optimal
        if (np.asarray(lp.row_lower) > 0).any() or (np.asarray(lp.row_upper) < 0).any():
            raise SolverError(f"{lp.name}: a constraint needs a non-zero total but the model has no columns"
                              + (f"; {hint}" if hint else ""))  # fmt: skip
        return Solution(x=np.zeros(0), objective=0.0, status="Empty", row_dual=np.zeros(lp.n_rows))
    h = quiet_highs()
    h.passModel(_highs_lp(lp))
    if time_limit_s is not None:
        h.setOptionValue("time_limit", float(time_limit_s))
    status = highspy.HighsModelStatus.kNotset
    used: dict[str, bool | float | str] = {}
    for options in strategies:
        for key, value in options.items():
            h.setOptionValue(key, value)
        used = dict(options)
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            break
        log.info("%s: HiGHS %s ended %s", lp.name, options or "defaults", h.modelStatusToString(status))
    text = h.modelStatusToString(status)
    solution = h.getSolution()
    limited = status == highspy.HighsModelStatus.kTimeLimit and solution.value_valid
    if status != highspy.HighsModelStatus.kOptimal and not (limited and accept_time_limit):
        advice = _ADVICE.get(text, "HiGHS stopped without an optimum")
        raise SolverError(f"{lp.name}: HiGHS ended with status {text!r} ({advice})" + (f"; {hint}" if hint else ""))
    if limited:
        log.warning("%s: time limit %.0f s reached; the best solution found is used", lp.name, time_limit_s or 0)
    return Solution(
        x=np.asarray(solution.col_value, float),
        objective=float(h.getInfo().objective_function_value),
        status=text,
        row_dual=np.asarray(solution.row_dual, float) if solution.dual_valid else None,
        time_limit_reached=bool(limited),
        options=used,
    )


class Resolver:
    """One LP's matrix solved again and again with new costs and bounds, each time from the last optimal basis.

    For a sequence of LPs that share their constraint matrix and differ only in costs, column bounds and row
    bounds (e.g. a battery's dispatch week after week at fixed sizes): HiGHS keeps its simplex basis between
    runs, so after the first solve each one starts from the previous optimum (a hot start) and needs a few
    hundred pivots instead of a cold solve. The dual simplex suits this best: a change of costs or bounds
    leaves the last basis dual or primal feasible for nearly every pivot.

    ``lp`` gives the matrix and the first costs and bounds; :meth:`solve` takes the arrays that change (full
    length, ``None`` keeps the previous ones) and returns a :class:`Solution` (objective in the model's own
    sense, including every column's cost), or raises :class:`~greenpark.errors.SolverError` like :func:`solve`.
    """

    def __init__(
        self, lp: LinearProgram, *, options: Mapping[str, bool | float | str] | None = None, hint: str = ""
    ) -> None:
        lp.check()
        self.name = lp.name
        self.hint = hint
        self._h = quiet_highs()
        self._options = dict({"solver": "simplex", "simplex_strategy": 1} if options is None else options)
        for key, value in self._options.items():
            self._h.setOptionValue(key, value)
        self._h.passModel(_highs_lp(lp))
        self._cols = np.arange(lp.n_cols, dtype=np.int32)
        self._rows = np.arange(lp.n_rows, dtype=np.int32)
        self._col_bounds = (np.asarray(lp.col_lower, float), np.asarray(lp.col_upper, float))
        self._row_bounds = (np.asarray(lp.row_lower, float), np.asarray(lp.row_upper, float))

    def solve(
        self,
        cost: np.ndarray | None = None,
        col_lower: np.ndarray | None = None,
        col_upper: np.ndarray | None = None,
        row_lower: np.ndarray | None = None,
        row_upper: np.ndarray | None = None,
    ) -> Solution:
        """Change what is given, re-solve from the last basis and return the optimum."""
        h = self._h
        if cost is not None:
            h.changeColsCost(len(self._cols), self._cols, np.asarray(cost, float))
        if col_lower is not None or col_upper is not None:
            lo = self._col_bounds[0] if col_lower is None else np.asarray(col_lower, float)
            hi = self._col_bounds[1] if col_upper is None else np.asarray(col_upper, float)
            self._col_bounds = (lo, hi)
            h.changeColsBounds(len(self._cols), self._cols, _finite(lo), _finite(hi))
        if row_lower is not None or row_upper is not None:
            lo = self._row_bounds[0] if row_lower is None else np.asarray(row_lower, float)
            hi = self._row_bounds[1] if row_upper is None else np.asarray(row_upper, float)
            self._row_bounds = (lo, hi)
            h.changeRowsBounds(len(self._rows), self._rows, _finite(lo), _finite(hi))
        h.run()
        status = h.getModelStatus()
        text = h.modelStatusToString(status)
        if status != highspy.HighsModelStatus.kOptimal:
            advice = _ADVICE.get(text, "HiGHS stopped without an optimum")
            raise SolverError(f"{self.name}: HiGHS ended with status {text!r} ({advice})"
                              + (f"; {self.hint}" if self.hint else ""))  # fmt: skip
        solution = h.getSolution()
        return Solution(
            x=np.asarray(solution.col_value, float),
            objective=float(h.getInfo().objective_function_value),
            status=text,
            row_dual=np.asarray(solution.row_dual, float) if solution.dual_valid else None,
            options=dict(self._options),
        )


def _finite(bounds: np.ndarray) -> np.ndarray:
    """Bounds with infinities as HiGHS' own infinity."""
    return np.nan_to_num(np.asarray(bounds, float), neginf=-INF, posinf=INF)
