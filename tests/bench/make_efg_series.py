#!/usr/bin/env python3
"""make_efg_series.py -- a synthetic efg-predict file for the acf-fit benchmark.

    make_efg_series.py OUT.h5 FRAMES LI [DT_PS]

Each Li jumps between two sites (omega_Q +90 or -40 kHz along the stored
field, |C_Q| 120 or 90 kHz) as a Markov process with a rate of 0.01 per
frame; theta and phi are drawn uniformly.  Only the datasets acf-fit reads
are written (common/FORMATS.md section 7): time, frame, atom_id, cq,
omega_q, theta, phi, field, block_done.
"""
import sys

import h5py
import numpy as np

out, frames, nli = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
dt = float(sys.argv[4]) if len(sys.argv) > 4 else 0.1
rng = np.random.default_rng(1)
with h5py.File(out + ".partial", "w") as f:
    g = f.create_group("efg")
    g.attrs["isotope"] = "7Li"
    g.attrs["centre_species"] = "Li"
    g.attrs["model_kind"] = "synthetic"
    g.attrs["nfields"] = np.int32(1)
    g.attrs["block_frames"] = np.int32(frames)
    g["time"] = np.arange(frames) * dt
    g["frame"] = np.arange(frames, dtype=np.int64)
    g["atom_id"] = np.arange(nli, dtype=np.int64)
    g["field"] = np.array([[0.0, 0.0, 1.0]])
    g["block_done"] = np.ones(1, dtype=np.int32)
    cq = g.create_dataset("cq", (frames, nli), dtype="f8")
    om = g.create_dataset("omega_q", (frames, nli, 1), dtype="f8")
    th = g.create_dataset("theta", (frames, nli, 1), dtype="f8")
    ph = g.create_dataset("phi", (frames, nli, 1), dtype="f8")
    state = rng.random(nli) < 0.5
    chunk = 65536
    for start in range(0, frames, chunk):
        n = min(chunk, frames - start)
        flips = rng.random((n, nli)) < 0.01
        s = state[None, :] ^ (np.cumsum(flips, axis=0) % 2 == 1)
        state = s[-1]
        om[start:start + n, :, 0] = np.where(s, 90e3, -40e3)
        cq[start:start + n] = np.where(s, 120e3, 90e3)
        th[start:start + n, :, 0] = np.arccos(1 - 2 * rng.random((n, nli)))
        ph[start:start + n, :, 0] = np.pi * (2 * rng.random((n, nli)) - 1)
import os
os.replace(out + ".partial", out)
