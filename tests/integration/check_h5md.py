"""check_h5md.py -- read an H5MD file from h5md_demo_writer with h5py and
MDAnalysis and compare everything with the writer's closed formulas.

    python3 check_h5md.py TRAJ.h5 INPUT_FILE

Exit 0 if all checks pass, 1 (with a list of failures) otherwise, 77 if h5py,
numpy or MDAnalysis cannot be imported.  The formulas are those documented at
the top of h5md_demo_writer.c; keep the two files in step.
"""
import hashlib
import sys
import warnings

try:
    import h5py
    import numpy as np
    warnings.simplefilter("ignore")
    import MDAnalysis as mda
except ImportError as exc:  # pragma: no cover - depends on the machine
    print(f"check_h5md: skipping, cannot import {exc.name}")
    sys.exit(77)

NATOMS, NFRAMES = 5, 4
EV_KJ_PER_MOL = 1.602176634e-19 * 6.02214076e23 * 1.0e-3
SPECIES = ["Li", "O", "O", "Zr", "La"]
MASSES = [6.94, 15.999, 15.999, 91.224, 138.905]
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def lattice(f):
    return np.array([[10.0 + f, 0, 0], [3.0, 11.0, 0], [1.5, -2.0, 12.0 + 0.5 * f]])


def positions(f):
    i, k = np.meshgrid(np.arange(NATOMS), np.arange(3), indexing="ij")
    return 1.0 + i + 0.25 * k + 0.1 * f


def velocities(f):
    i, k = np.meshgrid(np.arange(NATOMS), np.arange(3), indexing="ij")
    return 0.01 * (i + 1) * (k + 1) + f


def forces_ev(f):
    i, k = np.meshgrid(np.arange(NATOMS), np.arange(3), indexing="ij")
    return 0.1 * i - 0.2 * k + 0.01 * f


def images(f):
    i, k = np.meshgrid(np.arange(NATOMS), np.arange(3), indexing="ij")
    return (i + k + f) % 3 - 1


def cell_parameters(h):
    """a, b, c, alpha, beta, gamma (degrees) of a lattice with vectors as rows."""
    a, b, c = (np.linalg.norm(v) for v in h)

    def angle(u, v):
        return np.degrees(np.arccos(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))))

    return np.array([a, b, c, angle(h[1], h[2]), angle(h[0], h[2]), angle(h[0], h[1])])


def is_str(value):
    return isinstance(value, str)


def check_h5py(path, input_path):
    with h5py.File(path, "r") as f:
        # Provenance: variable-length strings come back as str, not bytes.
        for name in ("program", "version", "git_hash", "compiler", "compiler_flags", "options",
                     "created"):
            check(name in f.attrs and is_str(f.attrs[name]), f"root attribute {name} is a str")
        check(f.attrs.get("program") == "h5md_demo_writer", "program attribute")
        check(int(f.attrs.get("mpi_ranks", -1)) >= 1, "mpi_ranks attribute")
        inputs = [str(s) for s in f.attrs.get("inputs", [])]
        sums = [str(s) for s in f.attrs.get("input_sha256", [])]
        check(inputs == [input_path], f"inputs attribute {inputs}")
        with open(input_path, "rb") as fp:
            check(sums == [hashlib.sha256(fp.read()).hexdigest()], "input_sha256 matches hashlib")

        check(list(f["h5md"].attrs["version"]) == [1, 1], "/h5md version [1, 1]")
        check(f["h5md/creator"].attrs["name"] == "h5md_demo_writer", "creator name")
        check(is_str(f["h5md/creator"].attrs["version"]), "creator version is a str")
        check(f["h5md/author"].attrs["name"] == "ufp-nmr tests", "author name")

        check(list(f["particles"]) == ["trajectory"], "particle group 'trajectory'")
        g = f["particles/trajectory"]
        box = g["box"]
        check(int(box.attrs["dimension"]) == 3, "box dimension")
        check([str(s) for s in box.attrs["boundary"]] == ["periodic"] * 3, "box boundary")
        check(box["edges/value"].shape == (NFRAMES, 3, 3), "box edges shape")
        check(box["edges/value"].attrs["unit"] == "Angstrom", "box unit")

        labels = [s.decode() for s in f["parameters/ufp/species_labels"][:]]
        codes = g["species"][:]
        check([labels[c] for c in codes] == SPECIES, f"species {labels} {codes}")
        check(np.allclose(g["mass"][:], MASSES, rtol=0, atol=0), "masses")
        check(g["mass"].attrs["unit"] == "amu", "mass unit")

        units = {"position": "Angstrom", "velocity": "Angstrom ps-1",
                 "force": "kJ mol-1 Angstrom-1"}
        for name, unit in units.items():
            check(g[name]["value"].attrs["unit"] == unit, f"{name} unit")
            check(g[name]["time"].attrs["unit"] == "ps", f"{name} time unit")
            check(g[name]["value"].shape == (NFRAMES, NATOMS, 3), f"{name} shape")
            check(g[name]["value"].dtype == np.float64, f"{name} dtype")
        check(g["image/value"].dtype == np.int32, "image dtype")
        for frame in range(NFRAMES):
            for name in ("position", "velocity", "force", "image", "box/edges"):
                check(g[name]["step"][frame] == 100 * frame, f"{name} step {frame}")
                check(abs(g[name]["time"][frame] - 0.05 * frame) < 1e-12, f"{name} time {frame}")
            check(np.array_equal(box["edges/value"][frame], lattice(frame)), f"edges {frame}")
            check(np.array_equal(g["position/value"][frame], positions(frame)), f"x {frame}")
            check(np.array_equal(g["velocity/value"][frame], velocities(frame)), f"v {frame}")
            check(np.allclose(g["force/value"][frame], forces_ev(frame) * EV_KJ_PER_MOL,
                              rtol=1e-14, atol=1e-13), f"force {frame}")
            check(np.array_equal(g["image/value"][frame], images(frame)), f"image {frame}")
        obs = f["observables"]
        check(obs["potential_energy/value"].attrs["unit"] == "eV", "potential energy unit")
        check(obs["temperature/value"].attrs["unit"] == "K", "temperature unit")
        check(np.array_equal(obs["temperature/value"][:], 300.0 + np.arange(NFRAMES)),
              "temperature values")
        check(np.array_equal(obs["potential_energy/step"][:], 100 * np.arange(NFRAMES)),
              "observable steps")


def check_mdanalysis(path):
    # The plain call a user makes: MDAnalysis builds a minimal topology from
    # /particles/trajectory and reads the first particle group.
    u = mda.Universe(path)
    check(len(u.atoms) == NATOMS, f"MDAnalysis atoms {len(u.atoms)}")
    traj = u.trajectory
    check(traj.n_frames == NFRAMES, f"MDAnalysis n_frames {traj.n_frames}")
    expected_units = {"time": "ps", "length": "Angstrom", "velocity": "Angstrom/ps",
                      "force": "kJ/(mol*Angstrom)"}
    check(dict(traj.units) == expected_units, f"MDAnalysis units {dict(traj.units)}")
    for ts in traj:
        frame = ts.frame
        check(np.allclose(ts.positions, positions(frame), atol=1e-5), f"MDA positions {frame}")
        check(np.allclose(ts.velocities, velocities(frame), atol=1e-5), f"MDA velocities {frame}")
        check(np.allclose(ts.forces, forces_ev(frame) * EV_KJ_PER_MOL, atol=1e-4),
              f"MDA forces {frame}")
        check(np.allclose(ts.dimensions, cell_parameters(lattice(frame)), atol=1e-4),
              f"MDA dimensions {frame}: {ts.dimensions} vs {cell_parameters(lattice(frame))}")
        check(abs(ts.time - 0.05 * frame) < 1e-6, f"MDA time {frame}: {ts.time}")
        check(int(ts.data["step"]) == 100 * frame, f"MDA step {frame}")
        check(abs(ts.data["temperature"] - (300.0 + frame)) < 1e-9, f"MDA temperature {frame}")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    path, input_path = sys.argv[1], sys.argv[2]
    check_h5py(path, input_path)
    check_mdanalysis(path)
    if failures:
        print(f"check_h5md: {len(failures)} check(s) failed:")
        for what in failures:
            print(f"  - {what}")
        return 1
    print(f"check_h5md: {path} reads correctly with h5py {h5py.__version__} and "
          f"MDAnalysis {mda.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
