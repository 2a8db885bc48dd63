/*
 * uf3_file.c -- UF3 potential files (see uf3_file.h for the API).
 *
 * ======================================================================
 * 1. What the formats mean: findings, with the evidence they rest on
 * ======================================================================
 * Sources read (public repositories, stored copies; functions named because
 * the copies carry no stable line numbers):
 *   [L1] lammps/lammps src/ML-UF3/pair_uf3.cpp (commits 1cfbc045 and
 *        e830dd97; same logic): uf3_read_unified_pot_file, create_bsplines,
 *        get_starting_index_{uniform,nonuniform}_{2b,3b},
 *        create_cached_constants_3b, compute.
 *   [L2] lammps/lammps doc/src/pair_uf3.rst (a2f2a809: unified format,
 *        "versionadded 27June2024"; 0809d8b7: the older one-file-per-
 *        interaction format).
 *   [L3] lammps/lammps src/ML-UF3/uf3_pair_bspline.cpp, uf3_bspline_basis3.cpp.
 *   [U1] uf3/uf3 lammps_plugin/scripts/generate_uf3_lammps_pots.py
 *        (write_uf3_lammps_pot_files: the JSON -> LAMMPS converter).
 *   [U2] uf3/uf3 uf3/representation/bspline.py (BSplineBasis.update_knots,
 *        update_knots_from_dict, update_basis_functions, compress_3B,
 *        decompress_3B, knot_sequence_from_points).
 *   [U3] uf3/uf3 uf3/regression/least_squares.py (bc3279d9:
 *        WeightedLinearModel.as_dict / to_json / from_json / load).
 *   [U4] uf3/uf3 uf3/data/composition.py (sort_interaction_symbols),
 *        uf3/representation/distances.py, uf3/forcefield/calculator.py.
 *   [U5] uf3/uf3 uf3/util/json_io.py (load_interaction_map,
 *        decode_interaction_map: "A-B" keys become tuples).
 *   Data: ../shared/data/uf3/{Nb.uf3, LiPS_synthetic_2b3b.uf3, W_W, W_W_W,
 *         W_model_2and3.json}.
 *
 * (a) Unified LAMMPS file.  A sequence of blocks; LAMMPS scans for lines
 *     containing "#UF3 POT" and requires "UNITS:" on them [L1]:
 *       #UF3 POT UNITS: metal DATE: ... AUTHOR: ... CITATION: ...
 *       2B El1 El2 LEADING_TRIM TRAILING_TRIM uk|nk       (exactly 6 words)
 *       CUTOFF NKNOTS                                     (exactly 2 words)
 *       t_0 ... t_{NKNOTS-1}                              (clamped, full vector)
 *       NCOEFF                                            (= NKNOTS - 4)
 *       c_0 ... c_{NCOEFF-1}
 *       #
 *     The pair block fills [El1][El2] and [El2][El1] (cut, knots, coeff are
 *     all copied symmetrically in [L1]).  The 3-body block:
 *       3B El1 El2 El3 LEADING_TRIM TRAILING_TRIM uk|nk   (exactly 7 words)
 *       R_jk R_ik R_ij N_jk N_ik N_ij                     (exactly 6 numbers)
 *       knots for r_jk  (N_jk numbers)
 *       knots for r_ik  (N_ik numbers)
 *       knots for r_ij  (N_ij numbers)
 *       S0 S1 S2        (S0 = N_ij - 4, S1 = N_ik - 4, S2 = N_jk - 4)
 *       S0*S1 lines of S2 numbers: line number l*S1 + m holds C[l][m][0..S2-1]
 *       #
 *     Evidence: the error text "Rjk_CUTOFF Rik_CUTOFF Rij_CUTOFF
 *     NUM_OF_KNOTS_JK NUM_OF_KNOTS_IK NUM_OF_KNOTS_IJ" and the doc [L2] give
 *     the order of line 3 (the code stores the 2nd value in a variable named
 *     cut3b_rij and the 3rd in cut3b_rik, but it also insists that they are
 *     equal, so nothing depends on it).  Knot line 4 goes to
 *     n3b_knots_array[.][0], line 5 to [1], line 6 to [2]; in
 *     create_cached_constants_3b set [2] builds basis_ij, [1] basis_ik, [0]
 *     basis_jk, and compute evaluates basis_ij at r_ij, basis_ik at r_ik,
 *     basis_jk at r_jk.  The shape checks pair N_ij with dim1, N_ik with dim2,
 *     N_jk with dim3, and compute reads n3b_coeff_array[.][ij][ik][jk].
 *     So the file's coefficient array is C[l: r_ij][m: r_ik][n: r_jk], the
 *     canonical order of uf3_potential.h, coeff[(l*n1+m)*n2+n] = C[l][m][n]
 *     with no reordering; only the knot and cutoff lines are in reverse
 *     order (jk, ik, ij).  El1 is the centre atom i (doc: "the first atom
 *     type is the central atom"; itype = El1), El2 is j (at r_ij) and El3 is
 *     k (at r_ik).  LAMMPS fills map_3b[i][j][k] from the block and
 *     map_3b[i][k][j] with the knots of dims ij/ik exchanged and
 *     C'[m][l][n] = C[l][m][n]; Uf3PotentialSetTriplet does the same.
 *     Checked on the data: LiPS_synthetic_2b3b.uf3 3B header "8.0 4.0 4.0
 *     20 12 12", knot lines of 20 (1.5..8), 12 and 12 (1.5..4) knots, shape
 *     "8 8 16": r_jk has the 8 Å cutoff and 16 coefficients.  Nb.uf3: "8.0
 *     4.0 4.0 23 15 15", shape "11 11 19".  LiPS has 6 2B and 18 3B blocks:
 *     for each centre a, one block a-b-c per unordered {b, c} (b <= c in
 *     Li, P, S order), which is what LAMMPS needs (doc: "A-A-A, A-A-B,
 *     A-B-B, B-A-A, B-A-B, B-B-B"); a missing ordered triplet after the swap
 *     is a fatal "Not all 3-body UF potentials are set".  Its Li-P-S block
 *     is asymmetric (C[0][1][0] = 0.015496..., C[1][0][0] = 0.013255...),
 *     its b == c blocks are exactly symmetric.
 *     LAMMPS also requires: leading trim 0 and trailing trim 3 (fatal
 *     otherwise, "only tested for"), R_ij == R_ik and R_jk == 2 R_ik exactly,
 *     N_knots == N_coeff + 4 per dimension.  Numbers are read with
 *     TextFileReader::next_line(n), which joins lines until n words are
 *     found, so long rows may wrap; a row with too many words is an error.
 *     For a b == c block the two map_3b slots coincide and LAMMPS's copy
 *     overwrites in place: the r_ik knots are replaced by the r_ij knots and
 *     C[l][m] for l > m by C[m][l].  Such a block must therefore be
 *     symmetric; Uf3PotentialValidate insists.
 *
 * (b) "uk" / "nk": uniform / non-uniform knots.  LAMMPS chooses the interval
 *     search from them [L1 create_bsplines]: uniform = 3 + (int)((r - t_0) /
 *     (t_4 - t_3)), an O(1) formula that is wrong for non-uniform knots;
 *     non-uniform = linear search for t_l <= r < t_{l+1}, l = 3 .. m-2.  One
 *     type is used for the whole potential: the type of 2-body block (1,1)
 *     selects the 2-body search for every pair, and every 3-body block must
 *     have the same type (fatal otherwise).  Values are identical either
 *     way when the knots really are uniform.  Here: a "uk" block whose knot
 *     spacing varies by more than 1e-6 is rejected (LAMMPS would evaluate it
 *     wrongly); the flag is not stored, and the writer always writes "nk",
 *     which LAMMPS evaluates correctly for any knots (cost: a linear search
 *     of ~20 knots per distance in LAMMPS only).
 *
 * (c) LAMMPS energy counting [L1 compute], which ufp-md must reproduce:
 *     - Full neighbour list (REQ_FULL), newton on.  For every i and every
 *       neighbour j with r_ij^2 < cut_ij^2 (strict), evdwl = V2(r_ij) is
 *       tallied with ev_tally_xyz(..., newton_pair = 1, ...), i.e. in full:
 *       E2 = sum_i sum_{j != i} V2(r_ij), each unordered pair twice, no 1/2.
 *       uf3 fits with the same convention: its energy features sum the
 *       basis over the full n x m distance matrix (distances.py,
 *       distances_by_interaction; the pair mask marks both A-B and B-A), and
 *       [U1] writes the coefficients unscaled.
 *     - 3-body: the short list of i holds the j with r_ij^2 < cut2b_ij^2
 *       (the 2-body cutoff!) and r_ij <= cut_3b_list[itype][jtype] (the
 *       largest 3-body r_ij cutoff of that pair).  Triplets loop over
 *       jj < kk of that list (j before k in neighbour-list order): E3 =
 *       sum_i sum_{j<k} V3_{ti tj tk}(r_ij, r_ik, r_jk), once per unordered
 *       {j, k}, with block [itype][jtype][ktype] and arguments in that
 *       order; since [i][k][j] is the exchanged copy, the value does not
 *       depend on which of j, k comes first.
 *     - Accepted when r_ij <= cut_3b[i][j][k] and r_ik <= cut_3b[i][k][j]
 *       (inclusive) and r_ij, r_ik, r_jk >= the first knot of their
 *       dimension; r_jk has no upper test (r_jk <= r_ij + r_ik <= 2 R_ij =
 *       R_jk by the triangle inequality, hence the 2R_ij = R_jk rule).  A
 *       3-body cutoff above the 2-body one is silently cut to the latter.
 *     - Below the first knot: a 3-body term is skipped (V3 = 0: a jump unless
 *       the leading coefficients vanish).  A 2-body distance below the first
 *       knot is NOT tested: the non-uniform search returns -1 and the code
 *       indexes cached constants at -4 (undefined behaviour); the uniform
 *       one extrapolates the first cubic piece for one knot spacing, then
 *       reads out of bounds.  At r = cutoff exactly (3-body, inclusive test)
 *       the search also fails; with trailing trim 3 every value and first
 *       and second derivative is already 0 there.  ufp-md should treat
 *       r >= last knot as 0 and report r < first 2-body knot as an error.
 *     - Pieces are cubic polynomials in r itself (uf3_bspline_basis3: c0 +
 *       c1 r + c2 r^2 + c3 r^3 per basis piece), so LAMMPS's energies carry
 *       cancellation errors of order 1e-12 relative; compare with ~1e-10.
 *     - One-body energies: not in the LAMMPS format and never added.
 *
 * (d) Old one-file-per-interaction format (doc 0809d8b7, "pair_coeff 1 1
 *     Nb_Nb.uf3 / pair_coeff 3b 1 1 1 Nb_Nb_Nb.uf3"): the same block without
 *     element names: "2B LEADING_TRIM TRAILING_TRIM [uk|nk]" and "3B LT TT
 *     [uk|nk]"; the elements come from the pair_coeff type numbers, the
 *     first 3-body type being the centre.  No UNITS: (W_W: "#UF3 POT" then
 *     "2B 0 3 uk"; W_W_W: "3B 0 3 uk", "7.0 3.5 3.5 19 13 13", shape "9 9
 *     15").  The body of each block is identical to (a).  Here the names are
 *     taken from the file name: basename, cut at the first '.', split on
 *     '_' (W_W -> W W; Nb_Nb_Nb.uf3 -> Nb Nb Nb, centre first).
 *
 * (e) uf3 JSON model [U3 as_dict]: {"coefficients": {...}, "knots": {...},
 *     "data_coverage", "knot_strategy", "offset_1b", "leading_trim",
 *     "trailing_trim", "knots_map" (same as "knots"), "element_list",
 *     "degree"}.  Keys join element symbols with '-' ("W", "W-W",
 *     "W-W-W").  coefficients["W"] is the one-body energy per atom (eV;
 *     the model fits E/N against composition fractions, offset_1b).  A pair
 *     entry is the full coefficient vector (NKNOTS - 4 values); a trio entry
 *     is the full, decompressed L x M x N grid: as_dict calls decompress_3B,
 *     which rebuilds the grid from the symmetry-compressed fitting vector as
 *     grid + grid.transpose(1, 0, 2), so the JSON grid is exactly symmetric
 *     in (r_ij, r_ik) whenever the trio's ij and ik knots agree (symmetry
 *     2 or 3 in [U2]) -- in uf3 versions that take the symmetry from the
 *     number of knot sequences this holds even when the two neighbour
 *     elements differ; newer ones (bspline.py dbcf13be, find_symmetry_3B)
 *     use symmetry 1 whenever they differ, and the grid is then general.
 *     This reader accepts any grid for distinct neighbours and requires
 *     symmetry only when they are the same element (Uf3PotentialValidate).
 *     (load() accepts a compressed vector too; this reader does not and
 *     says so.)  Knot vectors are the full clamped sequences
 *     (knot_sequence_from_points repeats each end 3 times; "resolution" =
 *     len - 7).  For a trio, knots is [ij, ik, jk] (update_basis_functions:
 *     "for i in range(3):  # ij, ik, jk dimensions"; default r_max [r, r,
 *     2r]); uf3 also accepts one sequence (all three) or two ([ij = ik,
 *     jk]), and so does this reader.  The grid index order is the same
 *     (ij, ik, jk).  The neighbour order of a trio key is uf3's
 *     "electronegativity" sort with the centre fixed [U4] (its reference_X
 *     table is the atomic number); El2 is j.  Trims are ints or, in newer
 *     uf3, objects {"2": lt2, "3": lt3}.
 *     What uf3 needs to load a file [U3 from_dict, load; U2 from_dict;
 *     U5]: "element_list" and "degree" (ChemicalSystem.from_dict indexes
 *     them), "leading_trim" and "trailing_trim" (indexed too), and the knots
 *     under "knots_map" -- BSplineBasis.from_dict reads that key, not
 *     "knots"; "knot_strategy" must be one of linear, lammps, geometric,
 *     inverse (get_knot_spacer raises otherwise; it only spaces knots that
 *     were not given).  load() indexes coefficients[element] for every
 *     element, so uf3 needs the one-body entries.  Keys are split on '-'
 *     into tuples and re-sorted with sort_interaction_symbols, which moves
 *     a trio's value to the sorted key without exchanging its r_ij and
 *     r_ik axes.
 *     JSON -> LAMMPS [U1]: the 2B line is "2B A B lt tt uk|nk", cutoff
 *     r_max, the knots and coefficients as they are; the 3B line writes
 *     r_max[2] r_max[1] r_max[0], len(knots[2]) len(knots[1]) len(knots[0]),
 *     then knots[2], knots[1], knots[0] (jk, ik, ij), the shape of the
 *     decompressed grid and its rows grid[l, m, :] -- no transposition of
 *     the grid.  Knots and 2B coefficients are printed with %.17g, 3B
 *     coefficients with Python's str (shortest round trip); one-body
 *     energies are dropped.
 *     Cross-check of the bundled W files: W_model_2and3.json and W_W/W_W_W
 *     share the knot layout (2B: 22 knots 0.001..5.5, equal to 1e-16; 3B:
 *     [13 knots 1.5..3.5, 13 knots 1.5..3.5, 19 knots 1.5..7] in the JSON
 *     and lines of 19, 13, 13 knots in W_W_W, equal to the JSON's 10 printed
 *     digits), which confirms the knot-line reversal, but they are two
 *     different fits: 2B c_0 = 75.5427... (JSON) vs 85.2564... (W_W), and the
 *     JSON 3B grid (9 x 9 x 15, leading trim 3: only l, m in 3..5 and n in
 *     3..11 are non-zero) is not the W_W_W grid (non-zero from l = 0).  Both
 *     grids are exactly symmetric in (l, m).  The tests check the shared
 *     knots and that the coefficients differ.
 *
 * ======================================================================
 * 2. Conventions of this reader and writer
 * ======================================================================
 * - The in-memory order is the canonical one of uf3_potential.h; the file's
 *   and the JSON's coefficient arrays are copied without reordering; only
 *   the knot lines of a 3B block are read (and written) in jk, ik, ij order.
 * - Lines: blank lines and lines starting with '#' between blocks are
 *   skipped; anything else there is an error.  Inside a block, header lines
 *   must have exactly the stated number of words; number lists may wrap over
 *   several lines as in LAMMPS but must end at a line end; every block must
 *   end with a "#" line (uf3 always writes it; a file cut after a block's
 *   last number is thereby recognised as truncated).
 * - "UNITS:" is optional (absent in the old format); when present it must
 *   be metal (Å, eV), the units of ufp-md.
 * - The cutoffs on line 3 must equal the last knots (to 1e-9 relative):
 *   the model has no separate cutoff.
 * - Trims are kept as read (any values; LAMMPS itself only accepts 0 and 3).
 *   A JSON model without trims gets uf3's defaults 0 and 3.
 * - A block repeated for the same interaction (A-B and B-A, or a-b-c and
 *   a-c-b) is accepted when it describes the identical spline and is an
 *   error otherwise (LAMMPS would silently keep the last one).
 * - Writer: every unordered pair a <= b once, then for each centre a every
 *   b <= c once (element order), numbers with %.17g (bit-exact round trip),
 *   "nk" everywhere, header "#UF3 POT UNITS: metal DATE: yyyy-mm-dd AUTHOR:
 *   ufp-nmr-VERSION CITATION:".  One-body energies are dropped.
 * - JSON writer (Uf3PotentialWriteJson): what both this reader and uf3's
 *   from_json load.  "element_list" in the potential's order; "degree" 3
 *   when any triplet is stored, else 2; "offset_1b" = has_one_body;
 *   "knot_strategy" "linear" (unused when every knot vector is given);
 *   trims as ints when the 2- and 3-body values agree, else {"2": .., "3":
 *   ..}; blocks of one body order with different trims cannot be written
 *   (error), nor element names containing '-'.  "coefficients": one-body
 *   energies (only when has_one_body), pairs a <= b, then for each centre
 *   one trio per unordered neighbour pair with its full grid
 *   [r_ij][r_ik][r_jk]; "knots" and "knots_map" (identical; this reader
 *   takes the first, uf3 the second) with [ij, ik, jk] for trios, always
 *   three sequences.  A trio key names its neighbours in uf3's order
 *   (atomic number; the potential's order for symbols that are not
 *   elements), and its grid and knots are those of that ordered block, so
 *   uf3's re-sorting leaves them in place; this reader fills the other
 *   neighbour order by exchanging the axes, as for LAMMPS files.  Numbers
 *   %.17g (bit-exact round trip); a "provenance" object (program, version,
 *   git hash, date) that both readers ignore.  uf3's load() fails on a
 *   model without one-body energies (see (e)); set them, zeros if unknown,
 *   for a file meant for uf3.
 */
#include "uf3_file.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "elements.h"
#include "json.h"
#include "parallel.h"
#include "safe_output.h"
#include "ufp_version.h"

#define UF3_MAX_KNOTS 100000
#define UF3_MAX_WORDS 16

/* One interaction as found in a file, before it is placed in a potential. */
typedef struct {
  int body;                  /* 2 or 3 */
  char el[3][UFP_LABEL_MAX]; /* El1 (centre for 3-body), El2, El3 */
  Uf3Spline1D pair;          /* body 2 */
  Uf3Spline3D triplet;       /* body 3, canonical dimension order */
  const char *source;        /* file name */
  long line;                 /* where the block starts */
} Uf3Block;

typedef struct {
  int n, cap;
  Uf3Block *blocks;
  int norder;
  char (*order)[UFP_LABEL_MAX]; /* elements by first appearance */
  int has_one_body;
  double *one_body; /* norder values when has_one_body */
  int *one_body_set;
} Uf3BlockSet;

static void block_free(Uf3Block *b)
{
  UfpFree(&b->pair.knots);
  UfpFree(&b->pair.coeff);
  for (int d = 0; d < 3; d++)
    UfpFree(&b->triplet.knots[d]);
  UfpFree(&b->triplet.coeff);
}

static void blockset_free(Uf3BlockSet *set)
{
  for (int i = 0; i < set->n; i++)
    block_free(&set->blocks[i]);
  UfpFree(&set->blocks);
  UfpFree(&set->order);
  UfpFree(&set->one_body);
  UfpFree(&set->one_body_set);
  memset(set, 0, sizeof *set);
}

/* Index of an element in the first-appearance list, appending it if new. */
static UfpErrorCode blockset_element(Uf3BlockSet *set, const char *name, int *index)
{
  for (int i = 0; i < set->norder; i++)
    if (strcmp(set->order[i], name) == 0) {
      *index = i;
      return UFP_SUCCESS;
    }
  UfpCall(UfpRealloc(set->norder + 1, &set->order));
  snprintf(set->order[set->norder], UFP_LABEL_MAX, "%s", name);
  *index = set->norder++;
  return UFP_SUCCESS;
}

/* A fresh zeroed block at the end of the set. */
static UfpErrorCode blockset_add(Uf3BlockSet *set, Uf3Block **block)
{
  if (set->n == set->cap) {
    int cap = set->cap ? 2 * set->cap : 16;
    UfpCall(UfpRealloc(cap, &set->blocks));
    set->cap = cap;
  }
  *block = &set->blocks[set->n++];
  memset(*block, 0, sizeof **block);
  return UFP_SUCCESS;
}

static UfpErrorCode check_name(const char *source, long line, const char *name)
{
  UfpCheck(name[0] != '\0' && strlen(name) < UFP_LABEL_MAX, UFP_ERR_INPUT,
           "%s:%ld: element name '%s' is empty or longer than %d characters", source, line, name,
           UFP_LABEL_MAX - 1);
  return UFP_SUCCESS;
}

/* ================================================================ text files */

typedef struct {
  const char *path;
  char *text;
  char **lines;
  long nlines;
  long next; /* index of the next unread line */
} TextFile;

static void textfile_free(TextFile *tf)
{
  UfpFree(&tf->text);
  UfpFree(&tf->lines);
}

static UfpErrorCode textfile_read(const char *path, TextFile *tf)
{
  size_t len = 0, cap = 0;
  FILE *fp = fopen(path, "rb");
  UfpErrorCode ierr = UFP_SUCCESS;

  memset(tf, 0, sizeof *tf);
  tf->path = path;
  UfpCheck(fp, UFP_ERR_IO, "cannot open UF3 potential %s: %s", path, strerror(errno));
  for (;;) {
    if (len + 4097 > cap) {
      cap = cap ? 2 * cap : 65536;
      ierr = UfpRealloc(cap, &tf->text);
      if (ierr) break;
    }
    size_t got = fread(tf->text + len, 1, cap - len - 1, fp);
    len += got;
    if (got == 0) break;
  }
  if (!ierr && ferror(fp)) ierr = UfpError(UFP_ERR_IO, "read error in %s", path);
  fclose(fp);
  if (ierr) {
    textfile_free(tf);
    UfpCall(ierr);
  }
  tf->text[len] = '\0';
  if (strlen(tf->text) != len) {
    textfile_free(tf);
    UfpCheck(0, UFP_ERR_INPUT, "%s: not a text file (contains a NUL byte)", path);
  }
  long nlines = 1;
  for (size_t i = 0; i < len; i++)
    nlines += tf->text[i] == '\n';
  ierr = UfpCalloc(nlines, &tf->lines);
  if (ierr) {
    textfile_free(tf);
    UfpCall(ierr);
  }
  char *p = tf->text;
  for (long l = 0; l < nlines; l++) {
    tf->lines[l] = p;
    char *nl = strchr(p, '\n');
    if (nl) *nl = '\0';
    size_t n = strlen(p);
    if (n > 0 && p[n - 1] == '\r') p[n - 1] = '\0';
    p = nl ? nl + 1 : p + n;
  }
  if (nlines > 1 && tf->lines[nlines - 1][0] == '\0') nlines--; /* after the final newline */
  tf->nlines = nlines;
  return UFP_SUCCESS;
}

static int is_blank(const char *s)
{
  while (*s && isspace((unsigned char)*s))
    s++;
  return *s == '\0';
}

static const char *skip_space(const char *s)
{
  while (*s && isspace((unsigned char)*s))
    s++;
  return s;
}

/* The next non-blank line (its 1-based number in *lineno), or NULL at end. */
static const char *next_line(TextFile *tf, long *lineno)
{
  while (tf->next < tf->nlines && is_blank(tf->lines[tf->next]))
    tf->next++;
  if (tf->next >= tf->nlines) return NULL;
  *lineno = tf->next + 1;
  return tf->lines[tf->next++];
}

/* Split a copy of line into at most UF3_MAX_WORDS words. */
typedef struct {
  char buf[1024];
  char *word[UF3_MAX_WORDS];
  int n; /* number of words, or UF3_MAX_WORDS + 1 when there are more */
  long line;
} Words;

static UfpErrorCode read_words(TextFile *tf, Words *w, const char *expected)
{
  const char *line = next_line(tf, &w->line);
  UfpCheck(line, UFP_ERR_INPUT, "%s: expected %s, found end of file", tf->path, expected);
  snprintf(w->buf, sizeof w->buf, "%s", line);
  w->n = 0;
  char *save = NULL;
  for (char *tok = strtok_r(w->buf, " \t\r\v\f", &save); tok; tok = strtok_r(NULL, " \t\r\v\f", &save)) {
    if (w->n == UF3_MAX_WORDS) {
      w->n++;
      break;
    }
    w->word[w->n++] = tok;
  }
  return UFP_SUCCESS;
}

static int parse_double(const char *tok, double *value)
{
  char *end;
  errno = 0;
  *value = strtod(tok, &end);
  return end != tok && *end == '\0' && isfinite(*value);
}

static int parse_int(const char *tok, int *value)
{
  char *end;
  errno = 0;
  long v = strtol(tok, &end, 10);
  if (end == tok || *end != '\0' || errno || v < -1000000000L || v > 1000000000L) return 0;
  *value = (int)v;
  return 1;
}

static UfpErrorCode word_double(const TextFile *tf, const Words *w, int i, const char *what, double *value)
{
  UfpCheck(parse_double(w->word[i], value), UFP_ERR_INPUT, "%s:%ld: expected a number for %s, found '%s'",
           tf->path, w->line, what, w->word[i]);
  return UFP_SUCCESS;
}

static UfpErrorCode word_int(const TextFile *tf, const Words *w, int i, const char *what, int *value)
{
  UfpCheck(parse_int(w->word[i], value), UFP_ERR_INPUT, "%s:%ld: expected an integer for %s, found '%s'",
           tf->path, w->line, what, w->word[i]);
  return UFP_SUCCESS;
}

/* Exactly n numbers, from one or more lines, ending at a line end. */
static UfpErrorCode read_numbers(TextFile *tf, int n, double *out, const char *what)
{
  int got = 0;
  while (got < n) {
    long lineno = 0;
    const char *p = next_line(tf, &lineno);
    UfpCheck(p, UFP_ERR_INPUT, "%s: expected %d numbers for %s, found end of file after %d", tf->path, n,
             what, got);
    for (p = skip_space(p); *p; p = skip_space(p)) {
      char tok[128];
      size_t len = strcspn(p, " \t\r\v\f");
      snprintf(tok, sizeof tok, "%.*s", (int)(len < sizeof tok - 1 ? len : sizeof tok - 1), p);
      UfpCheck(got < n, UFP_ERR_INPUT, "%s:%ld: expected %d numbers for %s, found more ('%s')", tf->path,
               lineno, n, what, tok);
      UfpCheck(len < sizeof tok && parse_double(tok, &out[got]), UFP_ERR_INPUT,
               "%s:%ld: expected a number (%s, value %d of %d), found '%s'", tf->path, lineno, what, got + 1,
               n, tok);
      got++;
      p += len;
    }
  }
  return UFP_SUCCESS;
}

/* Last knot vs the cutoff written on the block's third line. */
static UfpErrorCode check_cutoff(const TextFile *tf, long line, const char *what, double cut, const double *t,
                                 int m)
{
  UfpCheck(fabs(cut - t[m - 1]) <= 1e-9 * fmax(1.0, fabs(cut)), UFP_ERR_INPUT,
           "%s:%ld: %s cutoff %.17g differs from its last knot %.17g", tf->path, line, what, cut, t[m - 1]);
  return UFP_SUCCESS;
}

/* "uk" promises equal spacing; LAMMPS then computes the interval index. */
static UfpErrorCode check_uniform(const TextFile *tf, long line, const char *what, const double *t, int m)
{
  double h = t[4] - t[3];
  for (int i = 3; i + 1 <= m - 4; i++)
    UfpCheck(fabs((t[i + 1] - t[i]) - h) <= 1e-6 * fabs(h), UFP_ERR_INPUT,
             "%s:%ld: %s is marked 'uk' (uniform knots) but knot spacing varies (%.17g vs %.17g at knot %d); "
             "LAMMPS would evaluate it wrongly: mark it 'nk'",
             tf->path, line, what, t[i + 1] - t[i], h, i);
  return UFP_SUCCESS;
}

/* Names for an unnamed (old-format) block from the file name. */
static UfpErrorCode names_from_path(const char *path, long line, int body, char el[3][UFP_LABEL_MAX])
{
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  char stem[256];
  snprintf(stem, sizeof stem, "%.*s", (int)strcspn(base, "."), base);
  int n = 0;
  char *save = NULL;
  for (char *tok = strtok_r(stem, "_", &save); tok; tok = strtok_r(NULL, "_", &save)) {
    if (n < 3 && strlen(tok) < UFP_LABEL_MAX) snprintf(el[n], UFP_LABEL_MAX, "%s", tok);
    n++;
  }
  UfpCheck(n == body, UFP_ERR_INPUT,
           "%s:%ld: a %dB block without element names (old per-interaction format) takes them from the file "
           "name, which must then be %s (like %s), not '%s'",
           path, line, body, body == 2 ? "El1_El2" : "Centre_El2_El3", body == 2 ? "W_W" : "W_W_W", base);
  for (int i = 0; i < body; i++)
    UfpCall(check_name(path, line, el[i]));
  return UFP_SUCCESS;
}

/* Parse all blocks of one LAMMPS-format file into set; counts named and
 * unnamed blocks. */
static UfpErrorCode parse_lammps_blocks(TextFile *tf, Uf3BlockSet *set, int *nnamed, int *nunnamed)
{
  Words w;
  char what[4 * UFP_LABEL_MAX + 64];

  for (;;) {
    long hline = 0;
    const char *line = next_line(tf, &hline);
    if (!line) break;
    line = skip_space(line);
    if (strncmp(line, "#UF3 POT", 8) != 0) {
      UfpCheck(line[0] == '#', UFP_ERR_INPUT, "%s:%ld: expected a '#UF3 POT' block header, found '%.60s'",
               tf->path, hline, line);
      continue; /* a comment line between blocks */
    }
    /* UNITS: value, when given. */
    const char *units = strstr(line, "UNITS:");
    if (units) {
      char value[32] = "";
      units = skip_space(units + 6);
      snprintf(value, sizeof value, "%.*s", (int)strcspn(units, " \t"), units);
      UfpCheck(strcmp(value, "metal") == 0, UFP_ERR_INPUT,
               "%s:%ld: UNITS: '%s' is not supported: ufp-md uses LAMMPS metal units (Å, eV)", tf->path,
               hline, value);
    }

    UfpCall(read_words(tf, &w, "a '2B ...' or '3B ...' line after '#UF3 POT'"));
    long tline = w.line;
    int body = 0;
    if (w.n > 0 && strcmp(w.word[0], "2B") == 0) body = 2;
    if (w.n > 0 && strcmp(w.word[0], "3B") == 0) body = 3;
    UfpCheck(body, UFP_ERR_INPUT, "%s:%ld: expected '2B' or '3B' after '#UF3 POT', found '%s'", tf->path,
             tline, w.n > 0 ? w.word[0] : "");
    int named = w.n == 4 + body;
    UfpCheck(named || w.n == 3 || w.n == 4, UFP_ERR_INPUT,
             "%s:%ld: expected '%s LEADING_TRIM TRAILING_TRIM uk|nk' (%d words), found %d words", tf->path,
             tline, body == 2 ? "2B El1 El2" : "3B El1 El2 El3", 4 + body,
             w.n > UF3_MAX_WORDS ? UF3_MAX_WORDS : w.n);
    UfpCheck(named ? *nunnamed == 0 : *nnamed == 0, UFP_ERR_INPUT,
             "%s:%ld: this file mixes blocks with element names (unified format) and without (old "
             "per-interaction format)",
             tf->path, tline);
    Uf3Block *b;
    UfpCall(blockset_add(set, &b));
    b->body = body;
    b->source = tf->path;
    b->line = hline;
    int first = 1;
    if (named) {
      for (int i = 0; i < body; i++) {
        UfpCall(check_name(tf->path, tline, w.word[1 + i]));
        snprintf(b->el[i], UFP_LABEL_MAX, "%s", w.word[1 + i]);
      }
      first = 1 + body;
      (*nnamed)++;
    } else {
      UfpCall(names_from_path(tf->path, tline, body, b->el));
      (*nunnamed)++;
    }
    for (int i = 0; i < body; i++) {
      int index;
      UfpCall(blockset_element(set, b->el[i], &index));
    }
    if (body == 2)
      snprintf(what, sizeof what, "2B %s-%s", b->el[0], b->el[1]);
    else
      snprintf(what, sizeof what, "3B %s-%s-%s", b->el[0], b->el[1], b->el[2]);
    int lead, trail, uniform = 0;
    UfpCall(word_int(tf, &w, first, "LEADING_TRIM", &lead));
    UfpCall(word_int(tf, &w, first + 1, "TRAILING_TRIM", &trail));
    if (w.n > first + 2) {
      const char *kt = w.word[first + 2];
      UfpCheck(strcmp(kt, "uk") == 0 || strcmp(kt, "nk") == 0, UFP_ERR_INPUT,
               "%s:%ld: expected 'uk' (uniform knots) or 'nk' (non-uniform knots), found '%s'", tf->path,
               tline, kt);
      uniform = strcmp(kt, "uk") == 0;
    }

    if (body == 2) {
      Uf3Spline1D *s = &b->pair;
      double cut;
      int ncoeff;
      s->leading_trim = lead;
      s->trailing_trim = trail;
      UfpCall(read_words(tf, &w, "the 2B line 'CUTOFF NUM_OF_KNOTS'"));
      UfpCheck(w.n == 2, UFP_ERR_INPUT,
               "%s:%ld: expected 'CUTOFF NUM_OF_KNOTS' (2 words) for %s, found %d words", tf->path, w.line,
               what, w.n);
      UfpCall(word_double(tf, &w, 0, "the 2B cutoff", &cut));
      UfpCall(word_int(tf, &w, 1, "the number of knots", &s->nknots));
      UfpCheck(s->nknots > 4 && s->nknots <= UF3_MAX_KNOTS, UFP_ERR_INPUT,
               "%s:%ld: %s: number of knots %d outside 5..%d", tf->path, w.line, what, s->nknots,
               UF3_MAX_KNOTS);
      long cline = w.line;
      UfpCall(UfpCalloc(s->nknots, &s->knots));
      char knots_what[sizeof what + 16];
      snprintf(knots_what, sizeof knots_what, "%s knots", what);
      UfpCall(read_numbers(tf, s->nknots, s->knots, knots_what));
      UfpCall(check_cutoff(tf, cline, what, cut, s->knots, s->nknots));
      UfpCall(read_words(tf, &w, "the 2B line 'NUM_OF_COEFF'"));
      UfpCheck(w.n == 1, UFP_ERR_INPUT, "%s:%ld: expected 'NUM_OF_COEFF' (1 word) for %s, found %d words",
               tf->path, w.line, what, w.n);
      UfpCall(word_int(tf, &w, 0, "the number of coefficients", &ncoeff));
      UfpCheck(
          ncoeff == s->nknots - 4, UFP_ERR_INPUT,
          "%s:%ld: %s: %d coefficients do not match %d knots (a clamped cubic spline has NUM_OF_KNOTS - 4 "
          "= %d)",
          tf->path, w.line, what, ncoeff, s->nknots, s->nknots - 4);
      UfpCall(UfpCalloc(ncoeff, &s->coeff));
      char coeff_what[sizeof what + 16];
      snprintf(coeff_what, sizeof coeff_what, "%s coefficients", what);
      UfpCall(read_numbers(tf, ncoeff, s->coeff, coeff_what));
      if (uniform) UfpCall(check_uniform(tf, tline, what, s->knots, s->nknots));
    } else {
      Uf3Spline3D *s = &b->triplet;
      static const char *const dim_name[3] = {"r_ij", "r_ik", "r_jk"};
      double cut[3];
      int shape[3];
      s->leading_trim = lead;
      s->trailing_trim = trail;
      UfpCall(
          read_words(tf, &w, "the 3B line 'Rjk Rik Rij NUM_OF_KNOTS_JK NUM_OF_KNOTS_IK NUM_OF_KNOTS_IJ'"));
      UfpCheck(w.n == 6, UFP_ERR_INPUT,
               "%s:%ld: expected 'Rjk_CUTOFF Rik_CUTOFF Rij_CUTOFF NUM_OF_KNOTS_JK NUM_OF_KNOTS_IK "
               "NUM_OF_KNOTS_IJ' (6 words) for %s, found %d words",
               tf->path, w.line, what, w.n);
      long cline = w.line;
      /* File order jk, ik, ij = canonical dimensions 2, 1, 0. */
      for (int f = 0; f < 3; f++) {
        int d = 2 - f;
        char label[32];
        snprintf(label, sizeof label, "the %s cutoff", dim_name[d]);
        UfpCall(word_double(tf, &w, f, label, &cut[d]));
        snprintf(label, sizeof label, "the number of %s knots", dim_name[d]);
        UfpCall(word_int(tf, &w, 3 + f, label, &s->nknots[d]));
        UfpCheck(s->nknots[d] > 4 && s->nknots[d] <= UF3_MAX_KNOTS, UFP_ERR_INPUT,
                 "%s:%ld: %s: number of %s knots %d outside 5..%d", tf->path, w.line, what, dim_name[d],
                 s->nknots[d], UF3_MAX_KNOTS);
      }
      for (int f = 0; f < 3; f++) {
        int d = 2 - f;
        char label[sizeof what + 32];
        snprintf(label, sizeof label, "%s %s knots", what, dim_name[d]);
        UfpCall(UfpCalloc(s->nknots[d], &s->knots[d]));
        UfpCall(read_numbers(tf, s->nknots[d], s->knots[d], label));
        snprintf(label, sizeof label, "%s %s", what, dim_name[d]);
        UfpCall(check_cutoff(tf, cline, label, cut[d], s->knots[d], s->nknots[d]));
        if (uniform) UfpCall(check_uniform(tf, tline, label, s->knots[d], s->nknots[d]));
      }
      UfpCall(read_words(tf, &w, "the 3B coefficient shape line"));
      UfpCheck(w.n == 3, UFP_ERR_INPUT,
               "%s:%ld: expected the coefficient shape 'N_ij N_ik N_jk' (3 words) for %s, found %d words",
               tf->path, w.line, what, w.n);
      for (int d = 0; d < 3; d++)
        UfpCall(word_int(tf, &w, d, "the coefficient shape", &shape[d]));
      UfpCheck(shape[0] == s->nknots[0] - 4 && shape[1] == s->nknots[1] - 4 && shape[2] == s->nknots[2] - 4,
               UFP_ERR_INPUT,
               "%s:%ld: %s: coefficient shape %d %d %d does not match the knots (expected %d %d %d: "
               "NUM_OF_KNOTS - 4 for r_ij, r_ik, r_jk)",
               tf->path, w.line, what, shape[0], shape[1], shape[2], s->nknots[0] - 4, s->nknots[1] - 4,
               s->nknots[2] - 4);
      UfpCall(UfpCalloc((size_t)shape[0] * shape[1] * shape[2], &s->coeff));
      for (int l = 0; l < shape[0]; l++)
        for (int m = 0; m < shape[1]; m++) {
          char label[sizeof what + 48];
          snprintf(label, sizeof label, "%s coefficients [%d][%d][:]", what, l, m);
          UfpCall(read_numbers(tf, shape[2], &s->coeff[((size_t)l * shape[1] + m) * shape[2]], label));
        }
    }
    long eline = 0;
    const char *end = next_line(tf, &eline);
    UfpCheck(end, UFP_ERR_INPUT, "%s: expected '#' ending the %s block of line %ld, found end of file",
             tf->path, what, hline);
    end = skip_space(end);
    UfpCheck(end[0] == '#' && strncmp(end, "#UF3 POT", 8) != 0, UFP_ERR_INPUT,
             "%s:%ld: expected '#' ending the %s block of line %ld, found '%.60s'", tf->path, eline, what,
             hline, end);
  }
  return UFP_SUCCESS;
}

/* One LAMMPS-format file (unified or old) into set. */
static UfpErrorCode read_lammps_file(const char *path, Uf3BlockSet *set)
{
  TextFile tf;
  int nnamed = 0, nunnamed = 0;
  UfpCall(textfile_read(path, &tf));
  UfpErrorCode ierr = parse_lammps_blocks(&tf, set, &nnamed, &nunnamed);
  textfile_free(&tf);
  UfpCall(ierr);
  UfpCheck(nnamed + nunnamed > 0, UFP_ERR_INPUT, "%s: no '#UF3 POT' block found", path);
  UfpCheck(!(nnamed && nunnamed), UFP_ERR_INPUT,
           "%s: mixes blocks with element names (unified format) and without (old per-interaction format)",
           path);
  return UFP_SUCCESS;
}

/* ===================================================================== JSON */

static UfpErrorCode json_error_at(const char *path, const UfpJson *v, const char *what, const char *expected)
{
  return UfpError(UFP_ERR_INPUT, "%s:%d:%d: %s: expected %s, found %s", path, v->line, v->column, what,
                  expected, UfpJsonTypeName(v->type));
}

/* A flat array of n numbers (n = -1: any length, returned in *count). */
static UfpErrorCode json_numbers(const char *path, const UfpJson *v, const char *what, double **out,
                                 int *count)
{
  if (v->type != UFP_JSON_ARRAY) UfpCall(json_error_at(path, v, what, "an array of numbers"));
  UfpCall(UfpCalloc(v->n, out));
  for (int i = 0; i < v->n; i++) {
    const UfpJson *x = &v->items[i];
    if (x->type != UFP_JSON_NUMBER) UfpCall(json_error_at(path, x, what, "a number"));
    UfpCheck(isfinite(x->number), UFP_ERR_INPUT, "%s:%d:%d: %s: value %d is not a finite number", path,
             x->line, x->column, what, i);
    (*out)[i] = x->number;
  }
  *count = v->n;
  return UFP_SUCCESS;
}

/* leading_trim / trailing_trim: an int, or {"2": int, "3": int}. */
static UfpErrorCode json_trim(const char *path, const UfpJson *root, const char *key, int body, int fallback,
                              int *trim)
{
  const UfpJson *v = UfpJsonGet(root, key);
  *trim = fallback;
  if (!v) return UFP_SUCCESS;
  if (v->type == UFP_JSON_OBJECT) {
    char sub[2] = {(char)('0' + body), '\0'};
    v = UfpJsonGet(v, sub);
    if (!v) return UFP_SUCCESS;
  }
  UfpCheck(v->type == UFP_JSON_NUMBER && v->number == floor(v->number) && fabs(v->number) < 1e6,
           UFP_ERR_INPUT, "%s:%d:%d: %s: expected an integer or an object {\"2\": int, \"3\": int}", path,
           v->line, v->column, key);
  *trim = (int)v->number;
  return UFP_SUCCESS;
}

/* Split "A-B-C" into names; returns the count (0 when malformed). */
static int split_key(const char *key, char el[3][UFP_LABEL_MAX])
{
  int n = 0;
  const char *p = key;
  for (;;) {
    size_t len = strcspn(p, "-");
    if (len == 0 || len >= UFP_LABEL_MAX || n == 3) return 0;
    snprintf(el[n++], UFP_LABEL_MAX, "%.*s", (int)len, p);
    if (p[len] == '\0') return n;
    p += len + 1;
  }
}

static UfpErrorCode json_triplet(const char *path, const char *key, const UfpJson *coeff,
                                 const UfpJson *knots, Uf3Spline3D *s)
{
  char what[128];
  snprintf(what, sizeof what, "knots \"%s\"", key);
  /* [ij, ik, jk], or [ij = ik, jk], or one sequence for all three. */
  if (knots->type != UFP_JSON_ARRAY || knots->n == 0)
    UfpCall(json_error_at(path, knots, what, "a knot sequence or a list of 2 or 3 of them"));
  const UfpJson *seq[3];
  if (knots->items[0].type == UFP_JSON_NUMBER) {
    seq[0] = seq[1] = seq[2] = knots;
  } else if (knots->n == 2) {
    seq[0] = seq[1] = &knots->items[0];
    seq[2] = &knots->items[1];
  } else if (knots->n == 3) {
    for (int d = 0; d < 3; d++)
      seq[d] = &knots->items[d];
  } else {
    return UfpError(UFP_ERR_INPUT, "%s:%d:%d: %s: expected 1, 2 or 3 knot sequences, found %d", path,
                    knots->line, knots->column, what, knots->n);
  }
  for (int d = 0; d < 3; d++) {
    UfpCall(json_numbers(path, seq[d], what, &s->knots[d], &s->nknots[d]));
    UfpCheck(s->nknots[d] > 4, UFP_ERR_INPUT, "%s:%d:%d: %s: %d knots in dimension %d; at least 5 are needed",
             path, seq[d]->line, seq[d]->column, what, s->nknots[d], d);
  }
  int n0 = s->nknots[0] - 4, n1 = s->nknots[1] - 4, n2 = s->nknots[2] - 4;
  snprintf(what, sizeof what, "coefficients \"%s\"", key);
  if (coeff->type == UFP_JSON_ARRAY && coeff->n > 0 && coeff->items[0].type == UFP_JSON_NUMBER)
    return UfpError(
        UFP_ERR_INPUT,
        "%s:%d:%d: %s: a flat (symmetry-compressed) 3-body vector is not supported; expected the full "
        "%d x %d x %d grid [r_ij][r_ik][r_jk] that uf3's to_json writes",
        path, coeff->line, coeff->column, what, n0, n1, n2);
  if (coeff->type != UFP_JSON_ARRAY || coeff->n != n0)
    return UfpError(UFP_ERR_INPUT,
                    "%s:%d:%d: %s: expected an array of %d (r_ij) x %d x %d numbers to match the knots", path,
                    coeff->line, coeff->column, what, n0, n1, n2);
  UfpCall(UfpCalloc((size_t)n0 * n1 * n2, &s->coeff));
  for (int l = 0; l < n0; l++) {
    const UfpJson *row = &coeff->items[l];
    if (row->type != UFP_JSON_ARRAY || row->n != n1)
      return UfpError(UFP_ERR_INPUT, "%s:%d:%d: %s[%d]: expected an array of %d (r_ik) arrays", path,
                      row->line, row->column, what, l, n1);
    for (int m = 0; m < n1; m++) {
      const UfpJson *col = &row->items[m];
      if (col->type != UFP_JSON_ARRAY || col->n != n2)
        return UfpError(UFP_ERR_INPUT, "%s:%d:%d: %s[%d][%d]: expected an array of %d (r_jk) numbers", path,
                        col->line, col->column, what, l, m, n2);
      for (int n = 0; n < n2; n++) {
        const UfpJson *x = &col->items[n];
        if (x->type != UFP_JSON_NUMBER || !isfinite(x->number))
          return UfpError(UFP_ERR_INPUT, "%s:%d:%d: %s[%d][%d][%d]: expected a finite number", path, x->line,
                          x->column, what, l, m, n);
        s->coeff[((size_t)l * n1 + m) * n2 + n] = x->number;
      }
    }
  }
  return UFP_SUCCESS;
}

static UfpErrorCode json_to_blocks(const char *path, const UfpJson *root, Uf3BlockSet *set)
{
  if (root->type != UFP_JSON_OBJECT) UfpCall(json_error_at(path, root, "uf3 model", "an object"));
  const UfpJson *elements = UfpJsonGet(root, "element_list");
  const UfpJson *coeffs = UfpJsonGet(root, "coefficients");
  const UfpJson *knots = UfpJsonGet(root, "knots");
  if (!knots) knots = UfpJsonGet(root, "knots_map");
  UfpCheck(elements && coeffs && knots, UFP_ERR_INPUT,
           "%s: not a uf3 model: the keys \"element_list\", \"coefficients\" and \"knots\" are required",
           path);
  if (elements->type != UFP_JSON_ARRAY || elements->n == 0)
    UfpCall(json_error_at(path, elements, "element_list", "a non-empty array of element symbols"));
  for (int i = 0; i < elements->n; i++) {
    const UfpJson *e = &elements->items[i];
    if (e->type != UFP_JSON_STRING) UfpCall(json_error_at(path, e, "element_list", "a string"));
    UfpCall(check_name(path, e->line, e->string));
    int index;
    UfpCall(blockset_element(set, e->string, &index));
    UfpCheck(index == i, UFP_ERR_INPUT, "%s:%d:%d: element_list names %s twice", path, e->line, e->column,
             e->string);
  }
  if (coeffs->type != UFP_JSON_OBJECT) UfpCall(json_error_at(path, coeffs, "coefficients", "an object"));
  if (knots->type != UFP_JSON_OBJECT) UfpCall(json_error_at(path, knots, "knots", "an object"));
  int trim[2][4];
  for (int body = 2; body <= 3; body++) {
    UfpCall(json_trim(path, root, "leading_trim", body, 0, &trim[0][body]));
    UfpCall(json_trim(path, root, "trailing_trim", body, 3, &trim[1][body]));
  }
  UfpCall(UfpCalloc(set->norder, &set->one_body));
  UfpCall(UfpCalloc(set->norder, &set->one_body_set));

  for (int i = 0; i < coeffs->n; i++) {
    const char *key = coeffs->keys[i];
    const UfpJson *v = &coeffs->items[i];
    char el[3][UFP_LABEL_MAX];
    int n = split_key(key, el);
    UfpCheck(n >= 1, UFP_ERR_INPUT, "%s:%d:%d: coefficients: cannot read the interaction key \"%s\"", path,
             v->line, v->column, key);
    int idx[3];
    for (int k = 0; k < n; k++) {
      idx[k] = -1;
      for (int a = 0; a < set->norder; a++)
        if (strcmp(set->order[a], el[k]) == 0) idx[k] = a;
      UfpCheck(idx[k] >= 0, UFP_ERR_INPUT, "%s:%d:%d: coefficients \"%s\": element %s is not in element_list",
               path, v->line, v->column, key, el[k]);
    }
    if (n == 1) {
      if (v->type != UFP_JSON_NUMBER || !isfinite(v->number))
        UfpCall(json_error_at(path, v, "one-body energy", "a finite number"));
      set->one_body[idx[0]] = v->number;
      set->one_body_set[idx[0]] = 1;
      set->has_one_body = 1;
      continue;
    }
    const UfpJson *kv = UfpJsonGet(knots, key);
    UfpCheck(kv, UFP_ERR_INPUT, "%s:%d:%d: coefficients \"%s\" has no knots \"%s\"", path, v->line, v->column,
             key, key);
    Uf3Block *b;
    UfpCall(blockset_add(set, &b));
    b->body = n;
    b->source = path;
    b->line = v->line;
    for (int k = 0; k < n; k++)
      memcpy(b->el[k], el[k], UFP_LABEL_MAX);
    if (n == 2) {
      char what[96];
      int ncoeff;
      snprintf(what, sizeof what, "knots \"%s\"", key);
      UfpCall(json_numbers(path, kv, what, &b->pair.knots, &b->pair.nknots));
      UfpCheck(b->pair.nknots > 4, UFP_ERR_INPUT, "%s:%d:%d: %s: %d knots; at least 5 are needed", path,
               kv->line, kv->column, what, b->pair.nknots);
      snprintf(what, sizeof what, "coefficients \"%s\"", key);
      UfpCall(json_numbers(path, v, what, &b->pair.coeff, &ncoeff));
      UfpCheck(ncoeff == b->pair.nknots - 4, UFP_ERR_INPUT,
               "%s:%d:%d: %s: %d coefficients do not match %d knots (NUM_OF_KNOTS - 4 = %d expected)", path,
               v->line, v->column, what, ncoeff, b->pair.nknots, b->pair.nknots - 4);
      b->pair.leading_trim = trim[0][2];
      b->pair.trailing_trim = trim[1][2];
    } else {
      UfpCall(json_triplet(path, key, v, kv, &b->triplet));
      b->triplet.leading_trim = trim[0][3];
      b->triplet.trailing_trim = trim[1][3];
    }
  }
  return UFP_SUCCESS;
}

/* ====================================================== blocks -> potential */

static int pair_equal(const Uf3Spline1D *x, const Uf3Spline1D *y)
{
  return x->nknots == y->nknots && x->leading_trim == y->leading_trim &&
         x->trailing_trim == y->trailing_trim &&
         memcmp(x->knots, y->knots, (size_t)x->nknots * sizeof(double)) == 0 &&
         memcmp(x->coeff, y->coeff, (size_t)(x->nknots - 4) * sizeof(double)) == 0;
}

static int triplet_equal(const Uf3Spline3D *x, const Uf3Spline3D *y)
{
  if (x->leading_trim != y->leading_trim || x->trailing_trim != y->trailing_trim) return 0;
  size_t n = 1;
  for (int d = 0; d < 3; d++) {
    if (x->nknots[d] != y->nknots[d] ||
        memcmp(x->knots[d], y->knots[d], (size_t)x->nknots[d] * sizeof(double)))
      return 0;
    n *= (size_t)(x->nknots[d] - 4);
  }
  return memcmp(x->coeff, y->coeff, n * sizeof(double)) == 0;
}

static UfpErrorCode build_potential(Uf3BlockSet *set, const char *source, int nmap, const char *const *map,
                                    Uf3Potential **pot)
{
  char(*names)[UFP_LABEL_MAX] = NULL;
  long *pair_line = NULL, *triplet_line = NULL;
  Uf3Potential *p = NULL;
  UfpErrorCode ierr = UFP_SUCCESS;

  *pot = NULL;
  UfpCheck(nmap >= 0 && (nmap == 0 || map), UFP_ERR_USAGE, "UF3 element map: %d names but no list", nmap);
  int nel = nmap > 0 ? nmap : set->norder;
  UfpCheck(nel > 0, UFP_ERR_INPUT, "%s: no elements", source);
  UfpCall(UfpCalloc(nel, &names));
  for (int a = 0; a < nel && !ierr; a++) {
    const char *name = nmap > 0 ? map[a] : set->order[a];
    if (nmap > 0) {
      int found = 0;
      for (int i = 0; i < set->norder; i++)
        found |= strcmp(set->order[i], name) == 0;
      if (!found) {
        char list[512] = "";
        for (int i = 0; i < set->norder; i++) {
          size_t used = strlen(list);
          snprintf(list + used, sizeof list - used, "%s%s", i ? " " : "", set->order[i]);
        }
        ierr = UfpError(UFP_ERR_INPUT, "element %s (in the element map) does not appear in %s, which has: %s",
                        name, source, list);
        break;
      }
      for (int b = 0; b < a && !ierr; b++)
        if (strcmp(map[b], name) == 0)
          ierr = UfpError(UFP_ERR_INPUT, "element %s is listed twice in the element map", name);
    }
    if (!ierr) snprintf(names[a], UFP_LABEL_MAX, "%s", name);
  }
  if (!ierr) ierr = Uf3PotentialCreate(nel, (const char(*)[UFP_LABEL_MAX])names, &p);
  if (!ierr) ierr = UfpCalloc((size_t)nel * nel, &pair_line);
  if (!ierr) ierr = UfpCalloc((size_t)nel * nel * nel, &triplet_line);

  int file_has_3body = 0;
  for (int i = 0; i < set->n && !ierr; i++) {
    Uf3Block *b = &set->blocks[i];
    int idx[3] = {0, 0, 0}, mapped = 1;
    file_has_3body |= b->body == 3;
    for (int k = 0; k < b->body; k++) {
      idx[k] = Uf3PotentialElementIndex(p, b->el[k]);
      mapped &= idx[k] >= 0;
    }
    if (!mapped) continue; /* an interaction of elements outside the map */
    if (b->body == 2) {
      size_t ab = (size_t)idx[0] * nel + idx[1];
      if (p->has_pair[ab]) {
        if (!pair_equal(&p->pair[ab], &b->pair))
          ierr = UfpError(UFP_ERR_INPUT,
                          "%s:%ld: 2B %s-%s conflicts with the block for the same pair at line %ld",
                          b->source, b->line, b->el[0], b->el[1], pair_line[ab]);
        continue;
      }
      ierr = Uf3PotentialSetPair(p, idx[0], idx[1], &b->pair);
      pair_line[ab] = pair_line[(size_t)idx[1] * nel + idx[0]] = b->line;
    } else {
      size_t abc = ((size_t)idx[0] * nel + idx[1]) * nel + idx[2];
      size_t acb = ((size_t)idx[0] * nel + idx[2]) * nel + idx[1];
      if (p->has_triplet[abc]) {
        if (!triplet_equal(&p->triplet[abc], &b->triplet))
          ierr =
              UfpError(UFP_ERR_INPUT,
                       "%s:%ld: 3B %s-%s-%s conflicts with the block at line %ld (a block for centre %s and "
                       "neighbours %s, %s in either order describes both)",
                       b->source, b->line, b->el[0], b->el[1], b->el[2], triplet_line[abc], b->el[0],
                       b->el[1], b->el[2]);
        continue;
      }
      ierr = Uf3PotentialSetTriplet(p, idx[0], idx[1], idx[2], &b->triplet);
      triplet_line[abc] = triplet_line[acb] = b->line;
    }
  }
  /* Completeness among the mapped elements. */
  for (int a = 0; a < nel && !ierr; a++)
    for (int b = a; b < nel && !ierr; b++)
      if (!p->has_pair[a * nel + b])
        ierr = UfpError(UFP_ERR_INPUT,
                        "%s has no 2-body interaction %s-%s (every pair of the elements %s%s is needed)",
                        source, names[a], names[b], names[0], nel > 1 ? " ..." : "");
  if (file_has_3body)
    for (int a = 0; a < nel && !ierr; a++)
      for (int b = 0; b < nel && !ierr; b++)
        for (int c = b; c < nel && !ierr; c++)
          if (!p->has_triplet[((size_t)a * nel + b) * nel + c])
            ierr = UfpError(UFP_ERR_INPUT,
                            "%s has 3-body blocks but none for %s-%s-%s (centre %s; %s-%s-%s would do too)",
                            source, names[a], names[b], names[c], names[a], names[a], names[c], names[b]);
  if (!ierr && set->has_one_body) {
    p->has_one_body = 1;
    for (int a = 0; a < nel; a++)
      for (int i = 0; i < set->norder; i++)
        if (strcmp(set->order[i], names[a]) == 0 && set->one_body_set[i]) p->one_body[a] = set->one_body[i];
  }
  if (!ierr) ierr = Uf3PotentialValidate(p, source);
  UfpFree(&names);
  UfpFree(&pair_line);
  UfpFree(&triplet_line);
  if (ierr) {
    Uf3PotentialDestroy(&p);
    UfpCall(ierr);
  }
  *pot = p;
  return UFP_SUCCESS;
}

/* ================================================================= readers */

/* 1 if the first non-blank character of the file is '{'. */
static UfpErrorCode looks_like_json(const char *path, int *json)
{
  FILE *fp = fopen(path, "rb");
  int c;
  UfpCheck(fp, UFP_ERR_IO, "cannot open UF3 potential %s: %s", path, strerror(errno));
  do
    c = fgetc(fp);
  while (c != EOF && isspace(c));
  fclose(fp);
  *json = c == '{';
  return UFP_SUCCESS;
}

UfpErrorCode Uf3PotentialRead(const char *path, int nmap, const char *const *map, Uf3Potential **pot)
{
  Uf3BlockSet set;
  int json;
  UfpErrorCode ierr;

  *pot = NULL;
  memset(&set, 0, sizeof set);
  UfpCall(looks_like_json(path, &json));
  if (json) {
    UfpJson *root;
    UfpCall(UfpJsonParseFile(path, &root));
    ierr = json_to_blocks(path, root, &set);
    UfpJsonDestroy(&root);
  } else {
    ierr = read_lammps_file(path, &set);
  }
  if (!ierr) ierr = build_potential(&set, path, nmap, map, pot);
  blockset_free(&set);
  UfpCall(ierr);
  return UFP_SUCCESS;
}

UfpErrorCode Uf3PotentialReadOldFormat(int nfiles, const char *const *paths, int nmap, const char *const *map,
                                       Uf3Potential **pot)
{
  Uf3BlockSet set;
  UfpErrorCode ierr = UFP_SUCCESS;
  char source[1024];

  *pot = NULL;
  UfpCheck(nfiles >= 1 && paths, UFP_ERR_USAGE, "old-format UF3 potential: no files given");
  memset(&set, 0, sizeof set);
  source[0] = '\0';
  for (int f = 0; f < nfiles && !ierr; f++) {
    size_t used = strlen(source);
    snprintf(source + used, sizeof source - used, "%s%s", f ? ", " : "", paths[f]);
    ierr = read_lammps_file(paths[f], &set);
  }
  if (!ierr) ierr = build_potential(&set, source, nmap, map, pot);
  blockset_free(&set);
  UfpCall(ierr);
  return UFP_SUCCESS;
}

/* ================================================================== writer */

static void write_numbers(FILE *fp, int n, const double *x)
{
  for (int i = 0; i < n; i++)
    fprintf(fp, "%s%.17g", i ? " " : "", x[i]);
  fputc('\n', fp);
}

static void write_header(FILE *fp, const char *date)
{
  fprintf(fp, "#UF3 POT UNITS: metal DATE: %s AUTHOR: ufp-nmr-%s-%s CITATION:\n", date, UFP_VERSION,
          UFP_GIT_HASH);
}

static UfpErrorCode write_file(const char *partial, const Uf3Potential *pot)
{
  FILE *fp = fopen(partial, "w");
  char date[32] = "unknown";
  time_t now = time(NULL);
  struct tm tm;
  int nel = pot->nelements;

  UfpCheck(fp, UFP_ERR_IO, "cannot open %s for writing: %s", partial, strerror(errno));
  if (gmtime_r(&now, &tm)) strftime(date, sizeof date, "%Y-%m-%d", &tm);
  for (int a = 0; a < nel; a++)
    for (int b = a; b < nel; b++) {
      const Uf3Spline1D *s = &pot->pair[a * nel + b];
      write_header(fp, date);
      fprintf(fp, "2B %s %s %d %d nk\n", pot->elements[a], pot->elements[b], s->leading_trim,
              s->trailing_trim);
      fprintf(fp, "%.17g %d\n", s->knots[s->nknots - 1], s->nknots);
      write_numbers(fp, s->nknots, s->knots);
      fprintf(fp, "%d\n", s->nknots - 4);
      write_numbers(fp, s->nknots - 4, s->coeff);
      fprintf(fp, "#\n");
    }
  if (pot->has_3body)
    for (int a = 0; a < nel; a++)
      for (int b = 0; b < nel; b++)
        for (int c = b; c < nel; c++) {
          const Uf3Spline3D *t = &pot->triplet[((size_t)a * nel + b) * nel + c];
          const int *m = t->nknots;
          write_header(fp, date);
          fprintf(fp, "3B %s %s %s %d %d nk\n", pot->elements[a], pot->elements[b], pot->elements[c],
                  t->leading_trim, t->trailing_trim);
          fprintf(fp, "%.17g %.17g %.17g %d %d %d\n", t->knots[2][m[2] - 1], t->knots[1][m[1] - 1],
                  t->knots[0][m[0] - 1], m[2], m[1], m[0]);
          for (int d = 2; d >= 0; d--)
            write_numbers(fp, m[d], t->knots[d]);
          fprintf(fp, "%d %d %d\n", m[0] - 4, m[1] - 4, m[2] - 4);
          for (int l = 0; l < m[0] - 4; l++)
            for (int k = 0; k < m[1] - 4; k++)
              write_numbers(fp, m[2] - 4, &t->coeff[((size_t)l * (m[1] - 4) + k) * (m[2] - 4)]);
          fprintf(fp, "#\n");
        }
  int bad = ferror(fp);
  int err = errno;
  if (fclose(fp) != 0 && !bad) {
    bad = 1;
    err = errno;
  }
  UfpCheck(!bad, UFP_ERR_IO, "write error in %s: %s", partial, strerror(err));
  return UFP_SUCCESS;
}

static UfpErrorCode write_potential(const char *partial, void *ctx)
{
  UfpCall(write_file(partial, ctx));
  return UFP_SUCCESS;
}

UfpErrorCode Uf3PotentialWrite(MPI_Comm comm, const char *path, int overwrite, const Uf3Potential *pot)
{
  UfpCall(UfpErrorSync(comm, Uf3PotentialValidate(pot, "UF3 potential to write")));
  UfpCall(UfpOutputWriteOnRoot(comm, path, overwrite, write_potential, (void *)pot));
  return UFP_SUCCESS;
}

/* ============================================================= JSON writer */

/* The model's one leading and one trailing trim per body order (index 2, 3). */
typedef struct {
  const Uf3Potential *pot;
  int lead[4], trail[4];
} Uf3JsonPlan;

/* Everything the JSON model cannot express, checked on every rank before
 * anything is written: one trim pair per body order, '-' in element names. */
static UfpErrorCode json_plan(const Uf3Potential *pot, Uf3JsonPlan *plan)
{
  int nel = pot->nelements;
  const char *what = "UF3 potential to write as a uf3 JSON model";

  memset(plan, 0, sizeof *plan);
  plan->pot = pot;
  for (int a = 0; a < nel; a++)
    UfpCheck(strchr(pot->elements[a], '-') == NULL, UFP_ERR_INPUT,
             "%s: element name '%s' contains '-', which the model uses to join the symbols of interaction "
             "keys (\"A-B\", \"A-B-C\")",
             what, pot->elements[a]);
  const Uf3Spline1D *p0 = &pot->pair[0];
  plan->lead[2] = p0->leading_trim;
  plan->trail[2] = p0->trailing_trim;
  for (int a = 0; a < nel; a++)
    for (int b = a; b < nel; b++) {
      const Uf3Spline1D *s = &pot->pair[a * nel + b];
      UfpCheck(s->leading_trim == p0->leading_trim && s->trailing_trim == p0->trailing_trim, UFP_ERR_INPUT,
               "%s: 2-body trims differ between %s-%s (leading %d, trailing %d) and %s-%s (leading %d, "
               "trailing %d); the model has one leading and one trailing trim per body order",
               what, pot->elements[0], pot->elements[0], p0->leading_trim, p0->trailing_trim,
               pot->elements[a], pot->elements[b], s->leading_trim, s->trailing_trim);
    }
  if (!pot->has_3body) return UFP_SUCCESS;
  const Uf3Spline3D *t0 = &pot->triplet[0];
  plan->lead[3] = t0->leading_trim;
  plan->trail[3] = t0->trailing_trim;
  for (int a = 0; a < nel; a++)
    for (int b = 0; b < nel; b++)
      for (int c = b; c < nel; c++) {
        const Uf3Spline3D *t = &pot->triplet[((size_t)a * nel + b) * nel + c];
        UfpCheck(t->leading_trim == t0->leading_trim && t->trailing_trim == t0->trailing_trim, UFP_ERR_INPUT,
                 "%s: 3-body trims differ between %s-%s-%s (leading %d, trailing %d) and %s-%s-%s (leading "
                 "%d, trailing %d); the model has one leading and one trailing trim per body order",
                 what, pot->elements[0], pot->elements[0], pot->elements[0], t0->leading_trim,
                 t0->trailing_trim, pot->elements[a], pot->elements[b], pot->elements[c], t->leading_trim,
                 t->trailing_trim);
      }
  return UFP_SUCCESS;
}

/* Neighbours of a trio key (centre fixed): uf3 sorts them by atomic number
 * (sort_interaction_symbols) and, when it re-sorts a key on loading, moves
 * the grid and knots without exchanging r_ij and r_ik; so the key must
 * already be in uf3's order.  Symbols that are not elements keep the
 * potential's order (b <= c). */
static void json_trio_order(const Uf3Potential *pot, int b, int c, int *j, int *k)
{
  int zb = UfpElementNumber(pot->elements[b]), zc = UfpElementNumber(pot->elements[c]);
  int swap = zb > 0 && zc > 0 && zc < zb;
  *j = swap ? c : b;
  *k = swap ? b : c;
}

static void json_write_string(FILE *fp, const char *s)
{
  fputc('"', fp);
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\')
      fprintf(fp, "\\%c", ch);
    else if (ch < 0x20)
      fprintf(fp, "\\u%04x", ch);
    else
      fputc(ch, fp);
  }
  fputc('"', fp);
}

/* "El1-El2[-El3]" for element indices idx[0..n-1]. */
static void json_write_key(FILE *fp, const Uf3Potential *pot, int n, const int *idx)
{
  char key[3 * UFP_LABEL_MAX + 3] = "";
  for (int i = 0; i < n; i++) {
    size_t used = strlen(key);
    snprintf(key + used, sizeof key - used, "%s%s", i ? "-" : "", pot->elements[idx[i]]);
  }
  json_write_string(fp, key);
}

static void json_write_numbers(FILE *fp, int n, const double *x)
{
  fputc('[', fp);
  for (int i = 0; i < n; i++)
    fprintf(fp, "%s%.17g", i ? ", " : "", x[i]);
  fputc(']', fp);
}

/* An int when both body orders agree (or there is only one), else
 * {"2": lt2, "3": lt3}, the form uf3's BSplineBasis.as_dict writes. */
static void json_write_trim(FILE *fp, const char *key, const int *trim, int degree)
{
  fprintf(fp, "  \"%s\": ", key);
  if (degree == 2 || trim[2] == trim[3])
    fprintf(fp, "%d,\n", trim[2]);
  else
    fprintf(fp, "{\"2\": %d, \"3\": %d},\n", trim[2], trim[3]);
}

/* The knots object: pairs a <= b, then trios (centre a, uf3's neighbour
 * order) as [ij, ik, jk]. */
static void json_write_knots(FILE *fp, const Uf3Potential *pot, const char *name)
{
  int nel = pot->nelements, first = 1;
  fprintf(fp, "  \"%s\": {\n", name);
  for (int a = 0; a < nel; a++)
    for (int b = a; b < nel; b++) {
      const Uf3Spline1D *s = &pot->pair[a * nel + b];
      int idx[2] = {a, b};
      fprintf(fp, "%s    ", first ? "" : ",\n");
      json_write_key(fp, pot, 2, idx);
      fprintf(fp, ": ");
      json_write_numbers(fp, s->nknots, s->knots);
      first = 0;
    }
  if (pot->has_3body)
    for (int a = 0; a < nel; a++)
      for (int b = 0; b < nel; b++)
        for (int c = b; c < nel; c++) {
          int idx[3] = {a, 0, 0};
          json_trio_order(pot, b, c, &idx[1], &idx[2]);
          const Uf3Spline3D *t = &pot->triplet[((size_t)idx[0] * nel + idx[1]) * nel + idx[2]];
          fprintf(fp, ",\n    ");
          json_write_key(fp, pot, 3, idx);
          fprintf(fp, ": [");
          for (int d = 0; d < 3; d++) {
            fprintf(fp, "%s", d ? ",\n      " : "\n      ");
            json_write_numbers(fp, t->nknots[d], t->knots[d]);
          }
          fprintf(fp, "]");
        }
  fprintf(fp, "\n  }");
}

static UfpErrorCode json_write_file(const char *partial, void *ctx)
{
  const Uf3JsonPlan *plan = ctx;
  const Uf3Potential *pot = plan->pot;
  int nel = pot->nelements, degree = pot->has_3body ? 3 : 2;
  char date[32] = "unknown";
  time_t now = time(NULL);
  struct tm tm;
  FILE *fp = fopen(partial, "w");

  UfpCheck(fp, UFP_ERR_IO, "cannot open %s for writing: %s", partial, strerror(errno));
  if (gmtime_r(&now, &tm)) strftime(date, sizeof date, "%Y-%m-%d", &tm);
  fprintf(fp, "{\n  \"element_list\": [");
  for (int a = 0; a < nel; a++) {
    fprintf(fp, "%s", a ? ", " : "");
    json_write_string(fp, pot->elements[a]);
  }
  fprintf(fp, "],\n  \"degree\": %d,\n", degree);
  fprintf(fp, "  \"offset_1b\": %s,\n", pot->has_one_body ? "true" : "false");
  fprintf(fp, "  \"knot_strategy\": \"linear\",\n");
  json_write_trim(fp, "leading_trim", plan->lead, degree);
  json_write_trim(fp, "trailing_trim", plan->trail, degree);
  fprintf(fp,
          "  \"provenance\": {\"program\": \"ufp-nmr\", \"version\": \"%s\", \"git_hash\": \"%s\", "
          "\"date\": \"%s\"},\n",
          UFP_VERSION, UFP_GIT_HASH, date);

  fprintf(fp, "  \"coefficients\": {\n");
  int first = 1;
  if (pot->has_one_body)
    for (int a = 0; a < nel; a++) {
      fprintf(fp, "%s    ", first ? "" : ",\n");
      json_write_string(fp, pot->elements[a]);
      fprintf(fp, ": %.17g", pot->one_body[a]);
      first = 0;
    }
  for (int a = 0; a < nel; a++)
    for (int b = a; b < nel; b++) {
      const Uf3Spline1D *s = &pot->pair[a * nel + b];
      int idx[2] = {a, b};
      fprintf(fp, "%s    ", first ? "" : ",\n");
      json_write_key(fp, pot, 2, idx);
      fprintf(fp, ": ");
      json_write_numbers(fp, s->nknots - 4, s->coeff);
      first = 0;
    }
  if (pot->has_3body)
    for (int a = 0; a < nel; a++)
      for (int b = 0; b < nel; b++)
        for (int c = b; c < nel; c++) {
          int idx[3] = {a, 0, 0};
          json_trio_order(pot, b, c, &idx[1], &idx[2]);
          const Uf3Spline3D *t = &pot->triplet[((size_t)idx[0] * nel + idx[1]) * nel + idx[2]];
          int n0 = t->nknots[0] - 4, n1 = t->nknots[1] - 4, n2 = t->nknots[2] - 4;
          fprintf(fp, ",\n    ");
          json_write_key(fp, pot, 3, idx);
          fprintf(fp, ": [");
          for (int l = 0; l < n0; l++) {
            fprintf(fp, "%s[", l ? ",\n      " : "\n      ");
            for (int m = 0; m < n1; m++) {
              fprintf(fp, "%s", m ? ",\n       " : "");
              json_write_numbers(fp, n2, &t->coeff[((size_t)l * n1 + m) * n2]);
            }
            fprintf(fp, "]");
          }
          fprintf(fp, "]");
        }
  fprintf(fp, "\n  },\n");
  /* uf3 keeps both: "knots" (WeightedLinearModel) and "knots_map" (the
   * BSplineBasis, which is what its from_dict reads). */
  json_write_knots(fp, pot, "knots");
  fprintf(fp, ",\n");
  json_write_knots(fp, pot, "knots_map");
  fprintf(fp, "\n}\n");

  int bad = ferror(fp);
  int err = errno;
  if (fclose(fp) != 0 && !bad) {
    bad = 1;
    err = errno;
  }
  UfpCheck(!bad, UFP_ERR_IO, "write error in %s: %s", partial, strerror(err));
  return UFP_SUCCESS;
}

UfpErrorCode Uf3PotentialWriteJson(MPI_Comm comm, const char *path, int overwrite, const Uf3Potential *pot)
{
  Uf3JsonPlan plan;
  UfpErrorCode local = Uf3PotentialValidate(pot, "UF3 potential to write");
  if (!local) local = json_plan(pot, &plan);
  UfpCall(UfpErrorSync(comm, local));
  UfpCall(UfpOutputWriteOnRoot(comm, path, overwrite, json_write_file, &plan));
  return UFP_SUCCESS;
}
