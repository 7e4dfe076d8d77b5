"""Symbiosis matching: HiGHS MILP against a greedy best-pair-first rule, on random parks, in one run.

For each park size, random gives and takes (a few materials, capacities, prices, setup costs) are built;
the MILP of :func:`greenpark.waste.symbiosis.solve_exchanges` and a greedy rule (take the pair with the
highest value per tonne, fill it, repeat; skip a pair whose fill does not pay its setup) solve the same
candidates. Printed: candidates, solve time, and the objective ratio MILP / greedy (>= 1 by construction
of the optimum).

Run: ``.venv/bin/python benchmarks/bench_symbiosis.py [--sizes 20 50 100] [--seed 1]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from greenpark.waste.symbiosis import solve_exchanges


def random_park(n_tenants: int, rng: np.random.Generator, materials: int = 6):
    """Candidate pairs of a random park: every give x take of the same material, no self-exchange."""
    gives, takes = [], []
    for t in range(n_tenants):
        for m in rng.choice(materials, size=rng.integers(0, 3), replace=False):
            gives.append((f"T{t}", int(m), float(rng.uniform(5, 500))))
        for m in rng.choice(materials, size=rng.integers(0, 2), replace=False):
            takes.append((f"T{t}", int(m), float(rng.uniform(5, 500))))
    value, setup, gi, ti = [], [], [], []
    for g, (gt, gm, _) in enumerate(gives):
        for k, (tt, tm, _) in enumerate(takes):
            if gm == tm and gt != tt:
                value.append(float(rng.uniform(50_000, 1_500_000)))
                setup.append(float(rng.choice([10e6, 30e6])))
                gi.append(f"g{g}")
                ti.append(f"t{k}")
    give_cap = {f"g{g}": q for g, (_, _, q) in enumerate(gives)}
    take_cap = {f"t{k}": q for k, (_, _, q) in enumerate(takes)}
    return np.array(value), np.array(setup), np.array(gi), np.array(ti), give_cap, take_cap


def greedy(value, setup, gi, ti, give_cap, take_cap) -> float:
    """Best value per tonne first; a pair is used only if its fill pays its setup."""
    g_left, t_left, total = dict(give_cap), dict(take_cap), 0.0
    for p in np.argsort(-value):
        q = min(g_left[gi[p]], t_left[ti[p]])
        if q > 0 and value[p] * q > setup[p]:
            g_left[gi[p]] -= q
            t_left[ti[p]] -= q
            total += value[p] * q - setup[p]
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[20, 50, 100])
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"{'tenants':>8} {'candidates':>10} {'milp_s':>8} {'greedy_s':>9} {'milp/greedy':>12}")
    for n in args.sizes:
        inst = random_park(n, rng)
        t0 = time.perf_counter()
        _, _, obj = solve_exchanges(*inst)
        t1 = time.perf_counter()
        g = greedy(*inst)
        t2 = time.perf_counter()
        ratio = obj / g if g > 0 else float("nan")
        print(f"{n:>8} {len(inst[0]):>10} {t1 - t0:>8.3f} {t2 - t1:>9.4f} {ratio:>12.4f}")


if __name__ == "__main__":
    main()
