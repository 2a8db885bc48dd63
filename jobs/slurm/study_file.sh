# jobs/slurm/study_file.sh -- the INI files of jobs/ufp-study and jobs/ufp-al,
# sourced by both.  The caller sets study_file, study_dir (its directory),
# main_section ("study" or "al") and a die() function, then calls
#   table=$(parse "$study_file") || exit 65
# and reads values with get SECTION KEY [DEFAULT].
#
# Format: a [MAIN] section and [system NAME] sections of "key = value"
# lines; # starts a comment.  parse prints "section<TAB>key<TAB>value"
# lines, or fails with FILE:LINE and what was expected.
# shellcheck shell=bash
parse() {
  awk -v file="$1" -v main="$main_section" '
    { sub(/#.*/, ""); gsub(/^[ \t]+|[ \t]+$/, "") }
    /^$/ { next }
    $0 == "[" main "]" { section = main; next }
    /^\[system [A-Za-z0-9_-]+\]$/ { section = $2; sub(/\]$/, "", section); next }
    /^\[/ { printf "%s:%d: expected [%s] or [system NAME] (NAME of letters, digits, _ and -), got %s\n", file, NR, main, $0 > "/dev/stderr"; bad = 1; exit }
    /^[A-Za-z_][A-Za-z0-9_]*[ \t]*=/ {
      if (section == "") { printf "%s:%d: key outside a section\n", file, NR > "/dev/stderr"; bad = 1; exit }
      key = $0; sub(/[ \t]*=.*/, "", key); value = $0; sub(/^[^=]*=[ \t]*/, "", value)
      printf "%s\t%s\t%s\n", section, key, value; next
    }
    { printf "%s:%d: expected key = value, got %s\n", file, NR, $0 > "/dev/stderr"; bad = 1; exit }
    END { exit bad }' "$1"
}

get() {  # section key [default]  -> value
  local v
  v=$(awk -F'\t' -v s="$1" -v k="$2" '$1 == s && $2 == k {v = $3; found = 1} END {if (found) print v; else exit 1}' <<< "$table") \
    || { [ $# -ge 3 ] || die "$study_file: [$1] needs $2 ="; v=$3; }
  printf '%s' "$v"
}
known_keys() {  # section keys...
  local s=$1 k
  shift
  while IFS=$'\t' read -r sec key _; do
    [ "$sec" = "$s" ] || continue
    for k in "$@"; do [ "$key" = "$k" ] && continue 2; done
    die "$study_file: [$( [ "$s" = "$main_section" ] && echo "$main_section" || echo "system $s")] has an unknown key '$key' (known: $*)"
  done <<< "$table"
}
path_of() {  # relative paths are relative to the study file
  case $1 in /*) realpath -m "$1" ;; "") printf '' ;; *) realpath -m "$study_dir/$1" ;; esac
}
number() {  # name value: a positive number
  awk -v v="$2" 'BEGIN {exit !(v ~ /^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$/ && v + 0 > 0)}' \
    || die "$study_file: $1 = '$2' is not a positive number"
}
integer() {
  [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -gt 0 ] || die "$study_file: $1 = '$2' is not a positive integer"
}

