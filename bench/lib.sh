# shellcheck shell=bash
# Shared pieces of the benchmark scripts (native-plaintext.sh, spring-servers.sh); sourced, not run.
#
# The sourcing script sets, before calling these:
#   ROOT, RESULTS          the repo root and bench/results
#   WRK_CPU, WRK_THREADS   for run_wrk
# and uses the globals RUN_DIR, SERVER_PID, SERVER_NAME, WRK_PID that these functions keep.
# Sourcing installs the cleanup trap: whatever ends the script (success, failure, Ctrl-C,
# SIGTERM), wrk, the background helpers of bg_start and the server are stopped, and the CPU-capped
# cgroup of cpu_cap_create (if any) is removed.

# fd 3 = the script's stderr: a trap may fire inside a redirected command (wrk >file 2>&1),
# and its messages must still reach the terminal.
exec 3>&2
log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&3; }
die() { log "ERROR: $*"; exit 1; }

int_in_range() { # name value min max
    if [[ ! "$2" =~ ^[0-9]{1,6}$ ]] || ((10#$2 < $3 || 10#$2 > $4)); then
        die "$1=$2: expected an integer in [$3, $4]"
    fi
}

# ---------------------------------------------------------------- tools
apt_install() { # package... (root only; apt-get update once per script run)
    ((EUID == 0)) || die "missing: $* (run as root to install them, or install them yourself)"
    log "installing: $*"
    if [[ -z "${_APT_UPDATED:-}" ]]; then
        apt-get update -qq
        _APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

check_cpus() { # server-cpu wrk-cpu
    local cpus
    cpus=$(nproc --all)
    (($1 < cpus && $2 < cpus)) || die "need CPUs $1 and $2, this machine has $cpus"
    (($1 != $2)) || die "SERVER_CPU and WRK_CPU must differ"
}

# ---------------------------------------------------------------- run directory
new_run_dir() { # -> sets RUN_DIR under bench/results/tmp (gitignored), keeps the five newest
    mkdir -p "$RESULTS/tmp"
    RUN_DIR="$RESULTS/tmp/$(date +%Y%m%d-%H%M%S)-$$"
    mkdir -p "$RUN_DIR"
    find "$RESULTS/tmp" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn | tail -n +6 |
        cut -d' ' -f2- | while IFS= read -r old; do rm -rf -- "$old"; done
}

mvn_logged() { # logfile mvn-args...
    local logf=$1
    shift
    if ! mvn -q -B -Dstyle.color=never "$@" >"$logf" 2>&1; then
        tail -n 40 "$logf" >&2
        die "build failed: mvn $* (log: $logf)"
    fi
}

# ---------------------------------------------------------------- processes
RUN_DIR=""
WRK_PID=""
SERVER_PID=""
SERVER_NAME=""
BG_PIDS=()

spawn_server() { # name cpu logfile command... -> SERVER_PID, in its own process group
    local name=$1 cpu=$2 logf=$3
    shift 3
    SERVER_NAME=$name
    setsid taskset -c "$cpu" "$@" </dev/null >"$logf" 2>&1 &
    SERVER_PID=$!
    # setsid must not have forked (it does when its caller leads a process group, which a
    # background job of a non-interactive script never does): stop_server relies on the
    # server's pid being its process group.
    sleep 0.2
    if [[ "$(ps -o pgid= -p "$SERVER_PID" 2>/dev/null | tr -d ' ')" != "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        die "$name (pid $SERVER_PID) is not its own process group; cannot stop it reliably"
    fi
}

stop_server() {
    [[ -n "$SERVER_PID" ]] || return 0
    local pid=$SERVER_PID
    SERVER_PID=""
    # Each server runs under setsid: its pid is its process group (nginx master + worker).
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 100; i++)); do # at most 10 s, then SIGKILL
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$SERVER_NAME (pid $pid) ignored SIGTERM, killing it"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    # The group may outlive its leader for a moment (nginx's worker): make sure it is gone.
    kill -KILL -- "-$pid" 2>/dev/null || true
}

bg_start() { # logfile command... -> BG_PID; a helper (load generator) stopped by bg_stop_all / on exit
    local logf=$1
    shift
    "$@" </dev/null >"$logf" 2>&1 &
    BG_PID=$!
    BG_PIDS+=("$BG_PID")
}

bg_stop_all() {
    local pid
    for pid in "${BG_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${BG_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    BG_PIDS=()
}

# ---------------------------------------------------------------- CPU cap for load helpers
# A load helper that shares the wrk CPU must not take that CPU from wrk. slowhttptest 1.8.2 busy-
# loops (poll() on an fd that is not open returns POLLNVAL at once, thousands of times a second),
# so it is run inside a cgroup whose CPU quota is a few % of one CPU: cgroup v2 (`cpu.max`) or
# v1 (`cpu.cfs_quota_us`), whichever has the cpu controller. Where no cgroup can be made (not
# root, read-only /sys/fs/cgroup, v2 without the cpu controller delegated), helpers fall back to
# SCHED_IDLE (`chrt --idle 0`), which does NOT keep a busy loop from competing with wrk.
CAP_DIR=""    # the cgroup made by cpu_cap_create; removed by cpu_cap_remove and on exit
CAP_METHOD="" # how exec_capped runs a command, in words (for the report)
CAP_KIND=""   # cgroup | idle | none

_cap_write() { # file value: 0 when the kernel took it
    { printf '%s\n' "$2" >"$1"; } 2>/dev/null
}

_cap_try_v2() { # mountpoint name quota period
    local mnt=$1 dir="$1/$2"
    [[ -f "$mnt/cgroup.controllers" ]] && grep -qw cpu "$mnt/cgroup.controllers" || return 1
    if ! grep -qw cpu "$mnt/cgroup.subtree_control" 2>/dev/null; then
        _cap_write "$mnt/cgroup.subtree_control" +cpu || return 1
    fi
    mkdir "$dir" 2>/dev/null || return 1
    if [[ -f "$dir/cpu.max" ]] && _cap_write "$dir/cpu.max" "$3 $4"; then
        CAP_DIR=$dir
        CAP_METHOD="cgroup v2 $dir, cpu.max \"$3 $4\""
        return 0
    fi
    rmdir "$dir" 2>/dev/null || true
    return 1
}

_cap_try_v1() { # mountpoint name quota period
    local mnt=$1 dir="$1/$2"
    [[ -f "$mnt/cpu.cfs_quota_us" ]] || return 1
    mkdir "$dir" 2>/dev/null || return 1
    if _cap_write "$dir/cpu.cfs_period_us" "$4" && _cap_write "$dir/cpu.cfs_quota_us" "$3"; then
        CAP_DIR=$dir
        CAP_METHOD="cgroup v1 $dir, cpu.cfs_quota_us $3 per cpu.cfs_period_us $4"
        return 0
    fi
    rmdir "$dir" 2>/dev/null || true
    return 1
}

# shellcheck disable=SC2034 # CAP_METHOD is read by the sourcing script
cpu_cap_create() { # percent-of-one-CPU (0 = no cap) name -> CAP_KIND, CAP_METHOD (and CAP_DIR)
    local pct=$1 name=$2 period=100000 quota mnt fstype opts _rest
    quota=$((pct * period / 100))
    if ((pct == 0)); then
        CAP_KIND=none
        CAP_METHOD="none (cap disabled)"
        return 0
    fi
    # v2 first (where it has the cpu controller), then v1; mount points from /proc/self/mounts.
    local -a v2=() v1=()
    while read -r _ mnt fstype opts _rest; do
        case "$fstype" in
        cgroup2) v2+=("$mnt") ;;
        cgroup) [[ ",$opts," == *,cpu,* ]] && v1+=("$mnt") ;;
        esac
    done </proc/self/mounts
    for mnt in "${v2[@]}"; do _cap_try_v2 "$mnt" "$name" "$quota" "$period" && break; done
    if [[ -z "$CAP_DIR" ]]; then
        for mnt in "${v1[@]}"; do _cap_try_v1 "$mnt" "$name" "$quota" "$period" && break; done
    fi
    if [[ -n "$CAP_DIR" ]]; then
        CAP_KIND=cgroup
        return 0
    fi
    command -v chrt >/dev/null || die "no cgroup with a CPU quota could be made and there is no chrt"
    CAP_KIND=idle
    CAP_METHOD="SCHED_IDLE (chrt --idle 0): no CPU cap, no cgroup could be made"
}

exec_capped() { # command... : BECOMES the command (exec), under the cap of cpu_cap_create; only
    # for a background subshell (bg_start exec_capped ...), whose pid then is the command's
    case "$CAP_KIND" in
    cgroup) # sh moves itself into the cgroup, then becomes the command: same pid throughout
        exec sh -c 'echo $$ >"$1/cgroup.procs" || exit 125; shift; exec "$@"' sh "$CAP_DIR" "$@" ;;
    idle) exec chrt --idle 0 "$@" ;;
    *) exec "$@" ;;
    esac
}

cpu_cap_holds() { # pid: 0 when the pid is in the cap's cgroup (always 0 without a cgroup)
    [[ "$CAP_KIND" == cgroup ]] || return 0
    grep -qx "$1" "$CAP_DIR/cgroup.procs" 2>/dev/null
}

cpu_cap_remove() { # never fails: called from the exit trap
    [[ -n "$CAP_DIR" ]] || return 0
    local dir=$CAP_DIR i
    CAP_DIR=""
    for ((i = 0; i < 50; i++)); do # the helpers are stopped by now; a reaped process leaves at once
        rmdir "$dir" 2>/dev/null && return 0
        [[ -d "$dir" ]] || return 0
        sleep 0.1
    done
    log "WARNING: could not remove the cgroup $dir (processes still in it: $(tr '\n' ' ' <"$dir/cgroup.procs" 2>/dev/null || true))"
    return 0
}

proc_cpu_ticks() { # pid... -> utime+stime of these processes (all threads), in clock ticks
    local p
    for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null || true; done |
        awk '{ sub(/^.*\) /, ""); t += $12 + $13 } END { print t + 0 }'
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n "$WRK_PID" ]]; then # timeout passes the signal on to wrk
        kill -TERM "$WRK_PID" 2>/dev/null || true
        wait "$WRK_PID" 2>/dev/null || true
    fi
    bg_stop_all
    cpu_cap_remove
    stop_server
    if ((rc != 0)); then log "stopped with status $rc; raw output in ${RUN_DIR:-<none>}"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

answers() { # port -> 0 when something answers HTTP there
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" 2>/dev/null
}

# ---------------------------------------------------------------- wrk
run_wrk() { # seconds connections url [extra wrk args...] -> wrk output on stdout
    local secs=$1 conns=$2 url=$3 rc=0
    shift 3
    # wrk stops by itself after -d; timeout is the backstop should it ever hang. It runs in the
    # background so that a trapped signal interrupts `wait` at once instead of after wrk ends.
    timeout --kill-after=5 "$((secs + 30))" \
        taskset -c "$WRK_CPU" wrk -t"$WRK_THREADS" -c"$conns" -d"${secs}s" "$@" "$url" &
    WRK_PID=$!
    wait "$WRK_PID" || rc=$?
    WRK_PID=""
    return "$rc"
}

# ---------------------------------------------------------------- noise indicators
# Measured around each measurement, in % of all CPUs' time:
#  steal - time the hypervisor gave to other guests (from /proc/stat);
#  other - CPU time of processes other than the server's process group and the benchmark's own
#          (wrk, load helpers), summed per process; processes that start and end within the
#          measurement are missed. (/proc/stat's user+system is not used for this: its tick-based
#          totals run ~15 % above the per-process times under this load, which would invent a
#          neighbour.)
cpu_ticks() { # -> "total steal" jiffies over all CPUs
    awk '/^cpu /{ t = 0; for (i = 2; i <= 9; i++) t += $i; print t, $9; exit }' /proc/stat
}

proc_snapshot() { # pgid-to-leave-out [more pids to leave out...] -> lines "pid:starttime utime+stime"
    # /proc/PID/stat: "pid (comm) state ppid pgrp ... utime(14) stime(15) ... starttime(22)";
    # comm may hold spaces, so fields are counted after the last ") ".
    local pg=$1
    shift
    # A process may end between the glob and the read: cat then fails, which must not stop the run.
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } |
        awk -v pg="$pg" -v skip=" $* " '{ pid = $1; sub(/^.*\) /, "");
            if ($3 != pg && index(skip, " " pid " ") == 0) print pid ":" $20, $12 + $13 }'
}

noise_pct() { # ticks-before ticks-after snapshot-before snapshot-after -> "steal% other%"
    awk -v a="$1" -v b="$2" '
        NR == FNR { before[$1] = $2; next }
        { d = $2 - (($1 in before) ? before[$1] : 0); if (d > 0) other += d }
        END { split(a, x, " "); split(b, y, " "); total = y[1] - x[1]
              if (total <= 0) { print "0.00 0.00"; exit }
              printf "%.2f %.2f", 100 * (y[2] - x[2]) / total, 100 * other / total }' "$3" "$4"
}

noise_begin() { # [pids to leave out...]: call right before a measurement
    _NOISE_SKIP="$*"
    # shellcheck disable=SC2086 # word-splitting the pid list on purpose
    proc_snapshot "$SERVER_PID" $_NOISE_SKIP >"$RUN_DIR/procs.before"
    _NOISE_TICKS=$(cpu_ticks)
}

noise_end() { # -> sets STEAL and OTHER (percent); call right after the measurement
    local ticks
    ticks=$(cpu_ticks)
    # shellcheck disable=SC2086 # word-splitting the pid list on purpose
    proc_snapshot "$SERVER_PID" $_NOISE_SKIP >"$RUN_DIR/procs.after"
    # shellcheck disable=SC2034 # read by the sourcing script
    read -r STEAL OTHER <<<"$(noise_pct "$_NOISE_TICKS" "$ticks" "$RUN_DIR/procs.before" "$RUN_DIR/procs.after")"
}
