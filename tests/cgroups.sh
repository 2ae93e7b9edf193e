# shellcheck shell=bash
# tests/cgroups.sh: a test runner's cgroups of its own, sourced by the
# integration and engine suites.
#
# A runtime puts relative and default cgroup paths below its caller's
# cgroup, and the cgroup this shell starts in must never be written to (the
# machine's supervisor lives there): a runner moves itself into NAME, made
# at the root of every hierarchy, and moves back at the end.

CG_MNT=()  # hierarchy mount points
CG_ORIG=() # the cgroup directory we came from, per hierarchy
CG_MINE=() # NAME, per hierarchy

# cg_discover NAME: fill CG_MNT, CG_ORIG and CG_MINE, one entry per
# hierarchy (v1 ones and cgroup2), even if it is mounted twice.
cg_discover() {
	local name=$1 line cl f i fstype root mnt opts path seen=" " key id ctrls cgpath
	local -a cgroup_lines
	mapfile -t cgroup_lines <"/proc/$BASHPID/cgroup"
	while IFS= read -r line; do
		read -r -a f <<<"$line"
		for ((i = 6; i < ${#f[@]}; i++)); do [ "${f[$i]}" = - ] && break; done
		fstype=${f[$((i + 1))]}
		opts=${f[$((i + 3))]}
		root=${f[3]}
		mnt=${f[4]//\\040/ }
		case $fstype in cgroup | cgroup2) ;; *) continue ;; esac
		[ "$root" = / ] || continue
		path=""
		for cl in "${cgroup_lines[@]}"; do
			IFS=: read -r id ctrls cgpath <<<"$cl"
			if [ "$fstype" = cgroup2 ]; then
				[ "$id" = 0 ] && [ -z "$ctrls" ] && path=$cgpath
			elif [ -n "$ctrls" ] && [[ ",$opts," == *",${ctrls%%,*},"* ]]; then
				path=$cgpath
			fi
			[ -n "$path" ] && break
		done
		[ -n "$path" ] || continue
		key="$fstype:$opts"
		[[ $seen == *" $key "* ]] && continue
		seen+="$key "
		CG_MNT+=("$mnt")
		CG_ORIG+=("${mnt%/}${path%/}")
		CG_MINE+=("${mnt%/}/$name")
	done </proc/self/mountinfo
	[ ${#CG_MNT[@]} -gt 0 ]
}

# cg_enter [--exclusive]: make our cgroups (--exclusive: none may exist
# yet) and move this shell into them.
cg_enter() {
	local i
	for ((i = 0; i < ${#CG_MNT[@]}; i++)); do
		if [ "${1:-}" = --exclusive ] && [ -e "${CG_MINE[$i]}" ]; then
			echo "cgroup ${CG_MINE[$i]} already exists" >&2
			return 1
		fi
	done
	for ((i = 0; i < ${#CG_MNT[@]}; i++)); do
		mkdir -p "${CG_MINE[$i]}" || return 1
		# v1 cpuset children start empty
		if [ -f "${CG_MNT[$i]}/cpuset.cpus" ] && [ -f "${CG_MINE[$i]}/cpuset.cpus" ]; then
			cat "${CG_MNT[$i]}/cpuset.cpus" >"${CG_MINE[$i]}/cpuset.cpus" || return 1
			cat "${CG_MNT[$i]}/cpuset.mems" >"${CG_MINE[$i]}/cpuset.mems" || return 1
		fi
		echo "$BASHPID" >"${CG_MINE[$i]}/cgroup.procs" || {
			echo "cannot move into ${CG_MINE[$i]}" >&2
			return 1
		}
	done
}

# cg_move_back: this shell back where it came from.
cg_move_back() {
	local i
	for ((i = 0; i < ${#CG_MNT[@]}; i++)); do
		[ -d "${CG_ORIG[$i]}" ] && echo "$BASHPID" >"${CG_ORIG[$i]}/cgroup.procs" 2>/dev/null
	done
	return 0
}

# cg_remove DIR OWNED: thaw DIR, kill the processes in it for which the
# command OWNED PID succeeds (only what the suite started), rmdir depth-first.
cg_remove() {
	local dir=$1 owned=$2 d p i
	case $dir in */process_api | */process_api/*) return 1 ;; esac
	[ -d "$dir" ] || return 0
	for d in $(find "$dir" -type d 2>/dev/null | sort -r); do
		[ -f "$d/freezer.state" ] && echo THAWED >"$d/freezer.state" 2>/dev/null
		[ -f "$d/cgroup.freeze" ] && echo 0 >"$d/cgroup.freeze" 2>/dev/null
	done
	for ((i = 0; i < 50; i++)); do
		for d in $(find "$dir" -type d 2>/dev/null | sort -r); do
			for p in $(cat "$d/cgroup.procs" 2>/dev/null); do
				"$owned" "$p" && kill -KILL "$p" 2>/dev/null
			done
			rmdir "$d" 2>/dev/null
		done
		[ -d "$dir" ] || return 0
		sleep 0.1
	done
	return 1
}
