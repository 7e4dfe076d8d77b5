"""greenpark.optimisation on small programmes solved by hand: build -> solve -> read back, and its errors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from greenpark import optimisation as opt
from greenpark.errors import InputError, SolverError


def _wyndor() -> opt.LinearProgram:
    # Hillier & Lieberman, "Introduction to Operations Research", the Wyndor Glass example:
    #   max 3 x1 + 5 x2  s.t.  x1 <= 4,  2 x2 <= 12,  3 x1 + 2 x2 <= 18,  x >= 0
    # by hand: the corner where 2 x2 = 12 and 3 x1 + 2 x2 = 18 -> x2 = 6, x1 = 2, z = 6 + 30 = 36;
    # shadow prices (y1, y2, y3) = (0, 3/2, 1): 3 = 3 y3, 5 = 2 y2 + 2 y3 -> y3 = 1, y2 = 3/2; 4 y1 + 12 y2 + 18 y3 = 36
    rows = opt.Rows()
    rows.add([0], 1.0, -np.inf, 4.0)
    rows.add([1], 2.0, -np.inf, 12.0)
    rows.add([0, 1], [3.0, 2.0], -np.inf, 18.0)
    return opt.LinearProgram(
        name="wyndor",
        cost=np.array([3.0, 5.0]),
        col_lower=np.zeros(2),
        col_upper=np.full(2, np.inf),
        a=rows.matrix(2),
        row_lower=rows.lower,
        row_upper=rows.upper,
        sense="max",
    )


def test_lp_optimum_and_duals_by_hand():
    s = opt.solve(_wyndor())
    assert s.status == "Optimal"
    assert s.x == pytest.approx([2.0, 6.0])
    assert s.objective == pytest.approx(36.0)
    assert np.abs(s.row_dual) == pytest.approx([0.0, 1.5, 1.0])


def test_the_same_lp_as_a_minimisation():
    # min -3 x1 - 5 x2 over the same set: the same point, objective -36
    lp = _wyndor()
    lp.cost, lp.sense = -lp.cost, "min"
    s = opt.solve(lp, strategies=({"solver": "ipm", "run_crossover": "on"},))
    assert s.x == pytest.approx([2.0, 6.0], abs=1e-7)
    assert s.objective == pytest.approx(-36.0)
    assert s.options == {"solver": "ipm", "run_crossover": "on"}


def test_milp_knapsack_by_enumeration():
    # max 5a + 4b + 3c  s.t.  2a + 3b + c <= 5, a, b, c in {0, 1}
    # subsets within weight 5: {a,b} 9 (w 5), {a,c} 8 (w 3), {b,c} 7 (w 4), {a} 5, {b} 4, {c} 3 -> {a, b}, 9
    # (the LP relaxation would take a, c and 2/3 of b: 10.67, so integrality must be honoured)
    rows = opt.Rows()
    rows.add([0, 1, 2], [2.0, 3.0, 1.0], -np.inf, 5.0)
    lp = opt.LinearProgram(
        name="knapsack",
        cost=np.array([5.0, 4.0, 3.0]),
        col_lower=np.zeros(3),
        col_upper=np.ones(3),
        a=rows.matrix(3),
        row_lower=rows.lower,
        row_upper=rows.upper,
        integer=np.ones(3, bool),
        sense="max",
    )
    s = opt.solve(lp)
    assert np.round(s.x).tolist() == [1.0, 1.0, 0.0]
    assert s.objective == pytest.approx(9.0)
    assert s.row_dual is None  # a MILP has no duals


def test_rows_in_blocks():
    # two rows at once: x0 + x1 >= 1 and x1 >= 2 (row numbers 0.. within the block), then one more: x0 <= 5
    rows = opt.Rows()
    idx = rows.add_block(np.array([0, 0, 1]), np.array([0, 1, 1]), np.array([1.0, 1.0, 1.0]), [1.0, 2.0], np.inf)
    assert idx.tolist() == [0, 1]
    assert rows.add([0], 1.0, -np.inf, 5.0) == 2
    assert rows.matrix(2).toarray().tolist() == [[1.0, 1.0], [0.0, 1.0], [1.0, 0.0]]
    assert rows.lower.tolist() == [1.0, 2.0, -np.inf] and rows.upper.tolist() == [np.inf, np.inf, 5.0]


def test_infeasible_model_says_what_to_check():
    # x <= 1 (bound) but x >= 2 (row): no solution
    lp = opt.LinearProgram("tiny plan", np.array([1.0]), np.zeros(1), np.ones(1), sp.csr_matrix([[1.0]]),
                           np.array([2.0]), np.array([np.inf]))  # fmt: skip
    with pytest.raises(SolverError) as err:
        opt.solve(lp, hint="lower the target")
    assert str(err.value) == (
        "tiny plan: HiGHS ended with status 'Infeasible' (no solution meets every constraint: check that limits "
        "and targets can be met together); lower the target"
    )


def test_unbounded_model_names_the_cause():
    lp = opt.LinearProgram("open", np.array([-1.0]), np.zeros(1), np.full(1, np.inf), sp.csr_matrix((0, 1)),
                           np.zeros(0), np.zeros(0))  # fmt: skip
    with pytest.raises(SolverError, match=r"open: HiGHS ended with status 'Unbounded' \(the objective can improve"):
        opt.solve(lp)


def test_a_model_that_does_not_fit_together_is_refused():
    lp = _wyndor()
    lp.col_upper = np.full(3, np.inf)
    with pytest.raises(InputError, match=r"wyndor: the model does not fit together \(col_upper has 3, expected 2\)"):
        opt.solve(lp)
    lp = _wyndor()
    lp.cost = np.array([3.0, np.nan])
    with pytest.raises(InputError, match="cost has NaN"):
        opt.solve(lp)


def test_empty_model():
    # nothing to choose: optimal at objective 0 when the rows allow 0, an error when a row needs more
    none = opt.LinearProgram("empty", np.zeros(0), np.zeros(0), np.zeros(0), sp.csr_matrix((1, 0)),
                             np.array([-np.inf]), np.array([1.0]))  # fmt: skip
    s = opt.solve(none)
    assert s.objective == 0.0 and s.x.size == 0
    none.row_lower = np.array([1.0])
    with pytest.raises(SolverError, match="empty: a constraint needs a non-zero total but the model has no columns"):
        opt.solve(none)


def test_solving_prints_nothing(capfd):
    # HiGHS' banner would corrupt the CLI's --json output
    opt.solve(_wyndor())
    assert capfd.readouterr().out == ""
