#!/usr/bin/env python3
"""pack_lps.py -- a random packing of PS4 tetrahedra and Li ions at a set density.

    pack_lps.py OUT.extxyz [--units 72] [--density 1.88] [--seed 2024]

Builds the starting structure of the amorphous Li3PS4 cell
(jobs/melt-quench-lps.sh): N rigid PS4 tetrahedra (P-S 2.05 Å, the bond of
beta-Li3PS4) with uniformly random orientations and 3N Li in a cubic box
whose edge gives the mass density (g/cm^3).  Random sequential insertion:
a candidate unit (random centre and orientation) or ion is accepted when it
keeps these minimum distances (Å, minimum image) to everything placed
before it:
    P-P 4.5, S-S (different units) 3.2, P-S (different units) 3.4,
    Li-S 2.3, Li-P 2.8, Li-Li 2.4,
scaled down by 3 % after every 4096 rejected candidates (to at most 25 %
below) so that the dense end of the packing still fits.  They are near
the closest approaches in beta-Li3PS4 (Li-S 2.4, S-S 3.6 between units),
so MD relaxes the packing without bond breaking.  The
stream of random numbers comes from numpy's PCG64 with the given seed, so a
seed gives the same cell everywhere.  Exit status 1 if a unit or ion cannot
be placed after many tries (lower the density or the unit count).
"""
import argparse
import os
import sys

import numpy as np

MASS = {"Li": 6.94, "P": 30.973762, "S": 32.06}
AMU_G = 1.66053906660e-24
PS_BOND = 2.05
MIN = {("P", "P"): 4.5, ("S", "S"): 3.2, ("P", "S"): 3.4, ("Li", "S"): 2.3, ("Li", "P"): 2.8, ("Li", "Li"): 2.4}
TRIES = 400000
BATCH = 4096


def tetrahedron():
    v = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], float)
    return PS_BOND * v / np.sqrt(3.0)


def random_rotation(rng):
    q = rng.normal(size=4)
    q /= np.linalg.norm(q)
    w, x, y, z = q
    return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                     [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                     [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])


def place(rng, pos, spec, make, kinds, edge):
    """Insert one group of atoms (make(rng) -> positions); returns the scale used."""
    scale = 1.0
    p = np.asarray(pos) if pos else np.zeros((0, 3))
    s = np.asarray(spec, dtype=object) if spec else np.zeros(0, dtype=object)
    order = ("Li", "P", "S")
    for attempt in range(TRIES // BATCH):
        cands = [make(rng) for _ in range(BATCH)]
        ok = np.ones(BATCH, bool)
        for a, e in enumerate(kinds):
            x = np.array([c[a] for c in cands])                       # (B, 3)
            d = p[None, :, :] - x[:, None, :]
            d -= edge * np.round(d / edge)
            r = np.sqrt((d * d).sum(axis=2))                           # (B, n)
            for other in order:
                key = tuple(sorted((e, other), key=order.index))
                sel = s == other
                if sel.any():
                    ok &= (r[:, sel] >= scale * MIN[key]).all(axis=1)
        hit = np.flatnonzero(ok)
        if hit.size:
            return cands[hit[0]], scale
        scale = max(0.75, scale * 0.97)
    return None, scale


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--units", type=int, default=72, help="PS4 units (Li: three per unit)")
    ap.add_argument("--density", type=float, default=1.88, help="g/cm^3")
    ap.add_argument("--seed", type=int, default=2024)
    a = ap.parse_args()
    n = a.units
    mass = n * (MASS["P"] + 4 * MASS["S"] + 3 * MASS["Li"]) * AMU_G
    edge = (mass / a.density * 1e24) ** (1.0 / 3.0)
    rng = np.random.Generator(np.random.PCG64(a.seed))
    pos, spec = [], []
    tet = tetrahedron()
    tight = 1.0
    for k in range(n):
        unit, scale = place(rng, pos, spec, lambda g: (lambda c: np.vstack([c, c + tet @ random_rotation(g).T]))(
            g.random(3) * edge), ["P", "S", "S", "S", "S"], edge)
        if unit is None:
            print(f"pack_lps: PS4 unit {k + 1} of {n} did not fit after {TRIES} tries", file=sys.stderr)
            return 1
        tight = min(tight, scale)
        pos.extend(unit)
        spec.extend(["P", "S", "S", "S", "S"])
    for k in range(3 * n):
        ion, scale = place(rng, pos, spec, lambda g: [g.random(3) * edge], ["Li"], edge)
        if ion is None:
            print(f"pack_lps: Li {k + 1} of {3 * n} did not fit after {TRIES} tries", file=sys.stderr)
            return 1
        tight = min(tight, scale)
        pos.append(ion[0])
        spec.append("Li")
    pos = np.asarray(pos) % edge
    order = sorted(range(len(spec)), key=lambda i: ("Li", "P", "S").index(spec[i]))
    tmp = a.out + ".partial"
    with open(tmp, "w") as f:
        f.write(f"{len(spec)}\n")
        f.write(f'Lattice="{edge:.10f} 0 0 0 {edge:.10f} 0 0 0 {edge:.10f}" Properties=species:S:1:pos:R:3 '
                f'pbc="T T T" density_g_cm3={a.density:.6f} seed={a.seed}\n')
        for i in order:
            f.write(f"{spec[i]} {pos[i][0]:.10f} {pos[i][1]:.10f} {pos[i][2]:.10f}\n")
    os.replace(tmp, a.out)
    print(f"pack_lps: {n} PS4 + {3 * n} Li in a {edge:.4f} Å cube ({a.density} g/cm^3), minimum distances "
          f"x{tight:.3f} -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
