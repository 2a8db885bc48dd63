# lps-al-small.al -- the active-learning loop at test scale: the
# gamma-Li3PS4 cell (16 atoms) at 300 K, 1 ps of MD per iteration, two
# frames labelled per iteration, two iterations, quick training settings.
# Used by tests/integration/test_al_loop.sh (with a stand-in CP2K); paths
# are relative to this file.
#
#   jobs/ufp-al submit jobs/studies/lps-al-small.al

[al]
name            = lps-al-small
output          = ../../lps-al-small
iterations      = 2
min_improvement = 0.02
potential       = ../../md/data/uf3/lps_ufp.uf3
efg_model       = ../../efg/data/lps_efg.h5
efg_data        = ../../efg/data/lps_cp2k_efg_train.extxyz
ufp_data        = ../../efg/data/lps_cp2k_efg_train.extxyz
ufp_options     = -basis_degree 2 -data_validation_fraction 0 -data_test_fraction 0
efg_options     = -soap_rcut 4 -sagpr_zeta 1 -sagpr_sigma2 0.1 -efg_kfold 2 -efg_test_fraction 0.1
select_count    = 2
md_steps        = 1000
md_timestep_fs  = 1
traj_every_fs   = 100
label_cutoff    = 150
cp2k            = mpiexec -n 2 cp2k.psmp

[system gamma]
structure    = ../../md/data/gamma_Li3PS4_Pmn21.extxyz
temperatures = 300
