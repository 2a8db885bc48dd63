#!/usr/bin/env python3
"""md_structure_check.py -- is a Li-P-S trajectory physically intact?

    md_structure_check.py TRAJ.h5md [--skip PS] [--ps-cutoff 2.6] [--json OUT]

Reads an H5MD trajectory of ufp-md and reports, over the frames after
--skip picoseconds:
  * P-S coordination: the number of S within --ps-cutoff (Å) of every P;
    an intact PS4 unit has exactly 4 (the P-S bond is 2.05 Å, the next S
    is beyond 3.3 Å);
  * the shortest distance of every element pair (atom overlap);
  * density (g/cm^3), mean temperature (K) and pressure (GPa) from the
    observables.
Exit status 1 when more than --max-distorted (default 0) P atoms lack 4 S
in any analysed frame, or two atoms
come closer than --min-distance (Å).  Distances use the minimum image of
the (possibly triclinic) cell, valid below half the narrowest cell width.
"""
import argparse
import json
import sys

import h5py
import numpy as np

AMU_G = 1.66053906660e-24
MASS = {"Li": 6.94, "P": 30.973762, "S": 32.06}


def min_image(d, h, hinv):
    f = d @ hinv
    f -= np.round(f)
    return f @ h


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("traj")
    ap.add_argument("--skip", type=float, default=0.0, help="ps to skip at the start")
    ap.add_argument("--ps-cutoff", type=float, default=2.6, help="P-S bond cutoff, Å")
    ap.add_argument("--min-distance", type=float, default=1.5, help="closest allowed approach, Å")
    ap.add_argument("--max-distorted", type=int, default=0,
                    help="P atoms allowed to have other than 4 S in a frame (distorted units of a glass)")
    ap.add_argument("--json", help="write the numbers here")
    args = ap.parse_args()

    f = h5py.File(args.traj, "r")
    g = f["particles/trajectory"]
    labels = [s.decode().rstrip("\0") if isinstance(s, bytes) else str(s)
              for s in f["parameters/ufp/species_labels"][:]]
    species = np.array([labels[k] for k in g["species"][:]])
    x = g["position/value"]
    times = g["position/time"][:]
    edges = g["box/edges/value"]
    frames = [k for k in range(len(times)) if times[k] >= args.skip - 1e-9]
    if not frames:
        print("%s: no frame at or after %g ps (the trajectory ends at %g ps)" %
              (args.traj, args.skip, times[-1] if len(times) else 0.0), file=sys.stderr)
        return 2
    elements = sorted(set(species), key=lambda e: ["Li", "P", "S"].index(e) if e in MASS else 99)
    idx = {e: np.where(species == e)[0] for e in elements}
    pairs = [(a, b) for i, a in enumerate(elements) for b in elements[i:]]
    dmin = {p: np.inf for p in pairs}
    coord = []
    broken_frames = 0
    worst_frame = 0
    for k in frames:
        h = np.array(edges[k] if edges.ndim == 3 else edges[:])
        hinv = np.linalg.inv(h)
        pos = np.array(x[k])
        for a, b in pairs:
            ia, ib = idx[a], idx[b]
            d = pos[ib][None, :, :] - pos[ia][:, None, :]
            r = np.linalg.norm(min_image(d.reshape(-1, 3), h, hinv), axis=1).reshape(len(ia), len(ib))
            if a == b:
                r[np.arange(len(ia)), np.arange(len(ia))] = np.inf
            dmin[(a, b)] = min(dmin[(a, b)], r.min())
            if (a, b) == ("P", "S"):
                n = (r < args.ps_cutoff).sum(axis=1)
                coord.append(n)
                worst_frame = max(worst_frame, int((n != 4).sum()))
                broken_frames += int((n != 4).sum() > args.max_distorted)
    coord = np.array(coord)
    mass = sum(MASS.get(e, 0.0) * len(idx[e]) for e in elements)
    h0 = np.array(edges[frames[0]] if edges.ndim == 3 else edges[:])
    density = mass * AMU_G / (abs(np.linalg.det(h0)) * 1e-24)
    obs = {}
    for name in ("temperature", "pressure"):
        if "observables/" + name in f:
            t = f["observables/%s/time" % name][:]
            v = f["observables/%s/value" % name][:]
            sel = t >= args.skip - 1e-9
            obs[name] = (float(v[sel].mean()), float(v[sel].std()), f["observables/%s/value" % name].attrs.get("unit", ""))
    out = {
        "frames": len(frames), "t_first_ps": float(times[frames[0]]), "t_last_ps": float(times[frames[-1]]),
        "density_g_cm3": density,
        "ps_coordination_mean": float(coord.mean()) if coord.size else None,
        "ps_fraction_four": float((coord == 4).mean()) if coord.size else None,
        "frames_with_broken_ps4": broken_frames,
        "most_distorted_units_in_a_frame": worst_frame,
        "min_distance": {"%s-%s" % p: float(v) for p, v in dmin.items()},
    }
    for name, (m, s, unit) in obs.items():
        out[name] = {"mean": m, "std": s, "unit": unit.decode() if isinstance(unit, bytes) else str(unit)}
    print("%s: %d frames, %.1f..%.1f ps, density %.3f g/cm^3" % (args.traj, out["frames"], out["t_first_ps"],
                                                                 out["t_last_ps"], density))
    for name in obs:
        print("  %s: %.3f +- %.3f %s" % (name, out[name]["mean"], out[name]["std"], out[name]["unit"]))
    if coord.size:
        print("  P-S coordination (< %.2f Å): mean %.4f, fraction of P with 4 S %.5f, at most %d P without 4 S "
              "in a frame, frames with more than %d: %d" % (args.ps_cutoff, out["ps_coordination_mean"],
                                                           out["ps_fraction_four"], worst_frame, args.max_distorted,
                                                           broken_frames))
    print("  shortest distances (Å): " + ", ".join("%s %.3f" % kv for kv in out["min_distance"].items()))
    if args.json:
        with open(args.json, "w") as fp:
            json.dump(out, fp, indent=1)
    overlap = min(out["min_distance"].values()) < args.min_distance
    if broken_frames or overlap:
        print("  FAILED: %s" % ("broken PS4 units" if broken_frames else "atoms overlap"))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
