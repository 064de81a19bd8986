#!/usr/bin/env bash
# grade-run.sh - tools/run.sh for make grade: boots that tests share are run once.
# Several lab tests read one transcript (labs 1-5 all read the conformance guest's): the
# first run with given emulator, image, options and files boots and keeps the transcript
# and status in HVLAB_GRADE_BOOTS; a later run with the same arguments (the --log and
# --timeout aside) gives them back without booting. Same arguments as run.sh.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${HVLAB_GRADE_BOOTS:?HVLAB_GRADE_BOOTS: the directory for shared boots}
log= key_args=() all=("$@")
while [ $# -gt 0 ]; do
    case $1 in
    --log) log=$2; shift 2 ;;
    --timeout) shift 2 ;;
    *) key_args+=("$1"); shift ;;
    esac
done
[ -n "$log" ] || { echo "grade-run: no --log" >&2; exit 2; }
key=$(printf '%s\n' "${key_args[@]}" | sha1sum | cut -c1-16)
mkdir -p "$cache"
if [ ! -f "$cache/$key.status" ]; then
    args=("${all[@]}")
    for i in "${!args[@]}"; do [ "${args[$i]}" != --log ] || args[$((i + 1))]=$cache/$key.log; done
    "$here/run.sh" "${args[@]}"
    echo $? > "$cache/$key.status"
    printf '%s\n' "${key_args[@]}" > "$cache/$key.args"
fi
mkdir -p "$(dirname "$log")"
cp "$cache/$key.log" "$log"
exit "$(cat "$cache/$key.status")"
