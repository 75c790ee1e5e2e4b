#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# The Debian packages, end to end, as an operator meets them:
#   1. dpkg-buildpackage -us -uc -b on a copy of the tree (build/debian/src,
#      so the .debs land in build/debian), then lintian: no errors;
#   2. dpkg -i of portguard-probe and libportguard-dev; a program built
#      against the installed headers (find_package, pkg-config);
#      systemd-analyze verify on the installed units, which docs/probe.md
#      must show as they are (and its copy-paste units, run below too);
#   3. a hijackable socket (UDP, SO_REUSEADDR, held by user nobody in a
#      process named with control bytes and invalid UTF-8), then the
#      installed service's own ExecStart, run as root with the unit's
#      CapabilityBoundingSet, NoNewPrivileges and UMask (PID 1 is not
#      systemd here, so the timer cannot start it): the .prom file is
#      written whole, passes promtool check metrics, and names the socket as
#      read, not inferred; its system calls and socket families (strace) are
#      checked against the unit's SystemCallFilter= and
#      RestrictAddressFamilies=;
#   4. Debian's node_exporter serves every portguard_* sample of the file
#      with node_textfile_scrape_error 0 (control: a broken file beside it
#      gives 1);
#   5. promtool check rules and test rules on the shipped rules (control: a
#      rule with the wrong threshold fails its tests);
#   6. dpkg --purge of both: no file of theirs left, the .prom file gone.
# Everything it started is stopped, and the packages purged, on any exit.
# Prints its checks and one closing line in CTest's form for the summary.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
work=$root/build/debian
rules_dir=/usr/share/portguard-probe
textfile_dir=/var/lib/prometheus/node-exporter
prom=$textfile_dir/portguard.prom
unit_dir=/lib/systemd/system
service=$unit_dir/portguard-probe-scan.service
timer=$unit_dir/portguard-probe-scan.timer

# Debian's own python3 (it has python3-prometheus-client, and user nobody
# can run it), whatever else is first on PATH.
py=/usr/bin/python3
passed=0
failed=0
skipped=()
check() {  # check NAME DESCRIPTION COMMAND...: one counted test
  local name=$1 what=$2
  shift 2
  if "$@"; then
    echo "ok: $what"
    passed=$((passed + 1))
  else
    echo "FAILED: debian.$name: $what"
    failed=$((failed + 1))
  fi
}
skip() {  # skip NAME REASON
  echo "SKIPPED debian.$1: $2"
  skipped+=("debian.$1")
}
closing() {
  local total=$((passed + failed + ${#skipped[@]}))
  local pct=100
  [ "$total" -eq 0 ] || pct=$(( (passed + ${#skipped[@]}) * 100 / total ))
  echo
  echo "debian: $pct% tests passed, $failed tests failed out of $total"
  if [ ${#skipped[@]} -gt 0 ]; then
    echo "The following tests did not run:"
    local i=1
    for s in "${skipped[@]}"; do
      echo "  $i - $s (Skipped)"
      i=$((i + 1))
    done
  fi
  echo "debian: wall time $((SECONDS - stage_start)) s"
}
stage_start=$SECONDS

if [ "$(id -u)" -ne 0 ]; then
  skip packages "not root: dpkg -i and the service's ExecStart need root"
  closing
  exit 0
fi

pids=()
cleanup_link=
cleanup() {
  local status=$?
  [ -z "$cleanup_link" ] || rm -f "$cleanup_link"
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  # The next stages, and the machine, must not keep the packages.
  for p in portguard-probe libportguard-dev; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q installed; then
      dpkg --purge "$p" >/dev/null 2>&1 || true
    fi
  done
  exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

free_port() {
  $py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- 1. Build and lintian ------------------------------------------------------
echo "== dpkg-buildpackage"
# PORTGUARD_DEB_REUSE=1 keeps the packages of the last run (to iterate on the
# checks after the build); the test command always builds.
if [ "${PORTGUARD_DEB_REUSE:-0}" = 1 ] && ls "$work"/*.changes >/dev/null 2>&1; then
  echo "reusing the packages in $work"
  find "$work" -mindepth 1 -maxdepth 1 ! -name src ! -name '*.deb' ! -name '*.changes' \
    ! -name '*.buildinfo' ! -name build.log -exec rm -rf {} +
else
  rm -rf "$work"
  mkdir -p "$work/src"
  tar -C "$root" --exclude=./build --exclude=./.git -cf - . | tar -C "$work/src" -xf -
  build_start=$SECONDS
  (cd "$work/src" && DEB_BUILD_OPTIONS="parallel=2 nocheck noautodbgsym" \
    dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) || {
    tail -40 "$work/build.log"
    echo "FAILED: debian.build: dpkg-buildpackage (log: $work/build.log)"
    failed=$((failed + 1))
    closing
    exit 1
  }
  echo "dpkg-buildpackage: $((SECONDS - build_start)) s"
fi
version=$(cd "$work/src" && dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
probe_deb=$work/portguard-probe_${version}_${arch}.deb
dev_deb=$work/libportguard-dev_${version}_all.deb
changes=$work/portguard_${version}_${arch}.changes
check build "dpkg-buildpackage built portguard-probe and libportguard-dev $version" \
  test -f "$probe_deb" -a -f "$dev_deb" -a -f "$changes"
dpkg-deb -c "$probe_deb" | awk '{print "  " $6}'
dpkg-deb -c "$dev_deb" | awk '{print "  " $6}' | grep -v '/include/portguard/.' || true

echo "== lintian"
lint_start=$SECONDS
lintian_status=0
lintian --fail-on error --display-info --tag-display-limit 0 "$changes" \
  >"$work/lintian.log" 2>&1 || lintian_status=$?
sed 's/^/  /' "$work/lintian.log"
check lintian "lintian on the .changes and both .debs: no errors" test "$lintian_status" -eq 0
# Control: the -dev package without its copyright file is an error.
control_root=$work/lintian-control
dpkg-deb -R "$dev_deb" "$control_root"
rm "$control_root/usr/share/doc/libportguard-dev/copyright"
dpkg-deb --root-owner-group -b "$control_root" "$work/control.deb" >/dev/null
check lintian_control "control: lintian fails a copy of libportguard-dev without its copyright file" \
  sh -c "! lintian --fail-on error '$work/control.deb' >/dev/null 2>&1"
echo "lintian: $((SECONDS - lint_start)) s"

# --- 2. Install, verify the units ---------------------------------------------
echo "== dpkg -i"
if ! dpkg -i "$probe_deb" "$dev_deb" >"$work/install.log" 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq >>"$work/install.log" 2>&1 || true
fi
check install "dpkg -i: both packages installed" \
  sh -c "dpkg-query -W -f='\${Status}\n' portguard-probe libportguard-dev | grep -c 'install ok installed' | grep -qx 2"
check timer_enabled "the package enabled the timer (timers.target.wants)" \
  test -L /etc/systemd/system/timers.target.wants/portguard-probe-scan.timer
check man_page "man portguard-probe renders without warnings" \
  sh -c "MANWIDTH=80 man --warnings portguard-probe 2>&1 >/dev/null | (! grep .)"

if systemd-analyze --version >/dev/null 2>&1; then
  check units_verify "systemd-analyze verify on the installed service and timer" \
    systemd-analyze verify "$service" "$timer"
  systemd-analyze security --offline=yes "$service" 2>/dev/null | tail -1 | sed 's/^/  /' || true
else
  skip units_verify "systemd-analyze is not installed"
fi

# libportguard-dev: a program that finds the package through CMake and
# through pkg-config, as a user's would.
consumer=$work/consumer
mkdir -p "$consumer"
cat >"$consumer/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.16)
project(consumer LANGUAGES CXX)
find_package(portguard 0.1 CONFIG REQUIRED)
add_executable(consumer main.cpp)
target_link_libraries(consumer PRIVATE portguard::portguard)
EOF
cat >"$consumer/main.cpp" <<'EOF'
#include <portguard/portguard.hpp>
int main()
{
  boost::asio::io_context ctx;
  portguard::secure_acceptor acceptor(ctx, {boost::asio::ip::tcp::v4(), 0});
  return portguard::is_exclusive(acceptor) ? 0 : 1;
}
EOF
check dev_cmake "libportguard-dev: find_package(portguard) from /usr, a secure_acceptor built and exclusive" \
  sh -c "cmake -S '$consumer' -B '$consumer/build' -G Ninja >'$consumer/cmake.log' 2>&1 &&
         cmake --build '$consumer/build' >>'$consumer/cmake.log' 2>&1 &&
         grep -q 'portguard_DIR:PATH=/usr/share/portguard/cmake' '$consumer/build/CMakeCache.txt' &&
         '$consumer/build/consumer' || { tail -20 '$consumer/cmake.log'; exit 1; }"
check dev_pkgconfig "libportguard-dev: pkg-config portguard gives version $version, headers in /usr/include" \
  sh -c "test \"\$(pkg-config --modversion portguard)\" = '$version' &&
         test \"\$(realpath \"\$(pkg-config --variable=includedir portguard)\")\" = /usr/include &&
         test -f \"\$(pkg-config --variable=includedir portguard)/portguard/portguard.hpp\""

# docs/probe.md shows the units as shipped, and a copy-paste recipe for hosts
# without the package.
doc_block() {  # doc_block FIRST_LINE: the lines after it, to the end of its code block
  awk -v first="$1" '$0 == first { on = 1; next } on && /^```/ { exit } on { print }' \
    "$root/docs/probe.md"
}
same_as_doc() { doc_block "# $1" | cmp -s - "$1"; }
check docs_units "docs/probe.md shows the installed service and timer as they are" \
  eval 'same_as_doc "$service" && same_as_doc "$timer"'
recipe=/etc/systemd/system/portguard-probe-scan.service
recipe_dir=$work/recipe
mkdir -p "$recipe_dir"
doc_block "# $recipe" >"$recipe_dir/portguard-probe-scan.service"
doc_block "# /etc/systemd/system/portguard-probe-scan.timer" >"$recipe_dir/portguard-probe-scan.timer"

# --- 3. A finding, then the service's own ExecStart ----------------------------
echo "== the service's ExecStart"
# A hijackable socket of another user: UDP with SO_REUSEADDR on 127.0.0.1,
# held by a process that names itself with a newline, ESC [2J, CR, a quote,
# a backslash and a byte that is not UTF-8 (PR_SET_NAME needs no privilege):
# the file must still parse, or node_exporter drops every portguard_* series.
hostile_out=$work/hostile.port
setpriv --reuid=nobody --regid=nogroup --clear-groups $py -c '
import ctypes, socket, sys, time
ctypes.CDLL(None).prctl(15, ctypes.c_char_p(b"a\nb|\x1b[2J\xff\"\\\r"), 0, 0, 0)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
time.sleep(300)' >"$hostile_out" &
pids+=($!)
for _ in $(seq 50); do [ -s "$hostile_out" ] && break; sleep 0.1; done
hostile_port=$(cat "$hostile_out")
echo "hijackable socket: udp 127.0.0.1:$hostile_port, user nobody, process name:" \
  "$(od -An -c "/proc/${pids[0]}/comm" 2>/dev/null | tr -s ' ')"

# The unit's own command line and sandbox settings, as installed.
unit_value() { sed -n "s/^$2=//p" "$1" | tail -1; }
run_exec_start() {  # run_exec_start UNIT: its ExecStart, with its capabilities and umask
  local unit=$1 exec_start caps umask_value c bounding=-all
  exec_start=$(unit_value "$unit" ExecStart)
  caps=$(unit_value "$unit" CapabilityBoundingSet)
  umask_value=$(unit_value "$unit" UMask)
  echo "$unit:"
  echo "  ExecStart=$exec_start"
  echo "  SuccessExitStatus=$(unit_value "$unit" SuccessExitStatus) CapabilityBoundingSet=$caps UMask=${umask_value:-(default)}"
  mapfile -t argv < <($py -c 'import shlex, sys; print("\n".join(shlex.split(sys.argv[1].lstrip("-@+!:"))))' "$exec_start")
  for c in $caps; do bounding+=",+$(echo "${c#CAP_}" | tr 'A-Z' 'a-z')"; done
  rm -f "$prom"
  rm -f "$textfile_dir"/.portguard.prom.* 2>/dev/null || true
  exec_status=0
  (umask "${umask_value:-0022}" && exec setpriv --bounding-set="$bounding" --no-new-privs -- "${argv[@]}") \
    || exec_status=$?
  echo "  exit status $exec_status"
}
success=$(unit_value "$service" SuccessExitStatus)
run_exec_start "$service"
check exec_status "ExecStart exits 1 (a finding), which SuccessExitStatus=$success counts as success" \
  test "$exec_status" -eq 1 -a "$success" = 1
check prom_written "$prom is written, mode 0644, no temporary file beside it" \
  sh -c "test \"\$(stat -c %a '$prom' 2>/dev/null)\" = 644 && ! ls -a '$textfile_dir' | grep -q '^\.portguard\.prom\.'"
check prom_whole "the file is whole: it ends in a newline and holds every portguard_* family" \
  sh -c "tail -c1 '$prom' | od -An -c | grep -q '\\\\n' && for f in portguard_socket portguard_sockets portguard_scan_duration_seconds portguard_scan_limits; do grep -q \"^# TYPE \$f \" '$prom' || exit 1; done"
# With cgroup v1 net_cls or net_prio in use the scan must not copy a
# descriptor (the copy would rewrite the socket's classid): then the options
# are inferred, and the limits say so.
if awk '($1 == "net_cls" || $1 == "net_prio") && $2 != 0 { found = 1 } END { exit !found }' \
    /proc/cgroups 2>/dev/null; then
  check prom_finding "the hijackable socket is in the file; net_cls/net_prio v1 in use: inferred, with a limit" \
    sh -c "grep '^portguard_socket{' '$prom' | grep 'proto=\"udp\"' | grep 'port=\"$hostile_port\"' | grep -q 'verdict=\"hijackable\"' && ! grep -qx 'portguard_scan_limits 0' '$prom'"
else
  check prom_finding "the hijackable socket is in the file, its options read (how=\"read\") under the unit's capabilities, and the scan saw everything" \
    sh -c "grep '^portguard_socket{' '$prom' | grep 'proto=\"udp\"' | grep 'port=\"$hostile_port\"' | grep 'verdict=\"hijackable\"' | grep -q 'how=\"read\"' && grep -qx 'portguard_scan_limits 0' '$prom'"
fi
check promtool_metrics "promtool check metrics accepts the file" \
  sh -c "promtool check metrics < '$prom'"

# The unit's seccomp filter and address families, which only systemd applies:
# every system call and socket family of the ExecStart must be allowed.
if command -v strace >/dev/null 2>&1 && systemd-analyze --version >/dev/null 2>&1; then
  mapfile -t argv < <($py -c 'import shlex, sys; print("\n".join(shlex.split(sys.argv[1].lstrip("-@+!:"))))' "$(unit_value "$service" ExecStart)")
  strace -f -qq -o "$work/exec-start.strace" "${argv[@]}" >/dev/null 2>&1 || true
  check sandbox "every system call and socket family of ExecStart is allowed by the unit's SystemCallFilter= and RestrictAddressFamilies=" \
    $py "$root/scripts/unit-sandbox-check.py" "$service" "$work/exec-start.strace"
  # Control: without pidfd_getfd in the allow list the same run is refused.
  sed 's/^\(SystemCallFilter=.*\) pidfd_getfd/\1/' "$service" >"$work/sandbox-control.service"
  check sandbox_control "control: a SystemCallFilter= without pidfd_getfd would refuse the scan" \
    sh -c "! $py '$root/scripts/unit-sandbox-check.py' '$work/sandbox-control.service' '$work/exec-start.strace' >/dev/null"
else
  skip sandbox "strace or systemd-analyze is not installed"
fi

# The copy-paste recipe of docs/probe.md, for a probe in /usr/local/bin.
local_probe=/usr/local/bin/portguard-probe
if [ -e "$local_probe" ]; then
  skip recipe "$local_probe exists; the recipe's check would replace it"
else
  ln -s /usr/bin/portguard-probe "$local_probe"
  cleanup_link=$local_probe
  recipe_status=0
  if systemd-analyze --version >/dev/null 2>&1; then
    systemd-analyze verify "$recipe_dir/portguard-probe-scan.service" \
      "$recipe_dir/portguard-probe-scan.timer" || recipe_status=$?
  fi
  run_exec_start "$recipe_dir/portguard-probe-scan.service" || true
  recipe_success=$(unit_value "$recipe_dir/portguard-probe-scan.service" SuccessExitStatus)
  check recipe "the docs' copy-paste units verify, and their ExecStart writes the file with exit 1 (SuccessExitStatus=$recipe_success)" \
    sh -c "test $recipe_status -eq 0 -a $exec_status -eq 1 -a '$recipe_success' = 1 && grep -q 'port=\"$hostile_port\"' '$prom' && test \"\$(stat -c %a '$prom')\" = 644"
  rm -f "$local_probe"
  cleanup_link=
fi

# --- 4. node_exporter serves it ------------------------------------------------
echo "== prometheus-node-exporter"
scrape() {  # scrape PORT FILE: waits for node_exporter and saves /metrics
  for _ in $(seq 100); do
    $py -c 'import sys, urllib.request
open(sys.argv[2], "wb").write(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read())' \
      "$1" "$2" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
start_exporter() {  # start_exporter PORT DIR LOG
  /usr/bin/prometheus-node-exporter --web.listen-address="127.0.0.1:$1" \
    --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$2" >"$3" 2>&1 &
  pids+=($!)
}
ne_port=$(free_port)
start_exporter "$ne_port" "$textfile_dir" "$work/node-exporter.log"
scrape "$ne_port" "$work/scrape.txt" || echo "no answer from node_exporter on port $ne_port"
served() {  # served FILE SCRAPE: every sample of FILE is in SCRAPE, same labels and value
  $py - "$1" "$2" <<'EOF'
import sys
from prometheus_client.parser import text_string_to_metric_families as parse
def samples(path, prefix):
    with open(path) as f:
        return {(s.name, tuple(sorted(s.labels.items())), s.value)
                for fam in parse(f.read()) for s in fam.samples if s.name.startswith(prefix)}
want = samples(sys.argv[1], "portguard_")
got = samples(sys.argv[2], "portguard_")
missing = want - got
print("  %d portguard_* samples in the file, %d served, %d missing" % (len(want), len(got), len(missing)))
for m in sorted(missing)[:5]:
    print("  missing:", m)
sys.exit(0 if want and not missing else 1)
EOF
}
check exporter_serves "node_exporter serves every portguard_* sample of the file" \
  served "$prom" "$work/scrape.txt"
check exporter_no_error "node_textfile_scrape_error 0" \
  grep -qx 'node_textfile_scrape_error 0' "$work/scrape.txt"
check exporter_mtime "node_textfile_mtime_seconds names portguard.prom (the stale alert's input)" \
  grep -q '^node_textfile_mtime_seconds{file="\(.*/\)\?portguard\.prom"}' "$work/scrape.txt"
# Control: the same file beside a broken one gives scrape error 1.
bad_dir=$work/textfile-control
mkdir -p "$bad_dir"
cp "$prom" "$bad_dir/portguard.prom"
printf 'broken{label="x} 1\n' >"$bad_dir/broken.prom"
ne_bad_port=$(free_port)
start_exporter "$ne_bad_port" "$bad_dir" "$work/node-exporter-control.log"
scrape "$ne_bad_port" "$work/scrape-control.txt" || true
check exporter_control "control: node_exporter reports node_textfile_scrape_error 1 for a broken file" \
  grep -qx 'node_textfile_scrape_error 1' "$work/scrape-control.txt"

# --- 5. The shipped alert rules -----------------------------------------------
echo "== promtool"
check rules_check "promtool check rules $rules_dir/portguard.rules.yml" \
  promtool check rules "$rules_dir/portguard.rules.yml"
check rules_test "promtool test rules: the alerts fire on a hijackable host and a stale scan, not on an exclusive host" \
  promtool test rules "$rules_dir/portguard.rules.test.yml"
mutant=$work/rules-mutant
mkdir -p "$mutant"
cp "$rules_dir"/portguard.rules*.yml "$mutant/"
sed -i 's/verdict="hijackable"} > 0/verdict="hijackable"} > 1/' "$mutant/portguard.rules.yml"
check rules_control "control: a hijackable alert that needs two sockets fails the tests" \
  sh -c "! promtool test rules '$mutant/portguard.rules.test.yml' >/dev/null 2>&1"

# --- 6. Purge -------------------------------------------------------------------
echo "== dpkg --purge"
for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
pids=()
owned=$work/owned.txt
dpkg -L portguard-probe libportguard-dev | sort -u >"$owned"
dpkg --purge portguard-probe libportguard-dev >"$work/purge.log" 2>&1 || cat "$work/purge.log"
left() {  # what the packages owned that is still there (directories other packages own aside)
  local n=0 path
  while read -r path; do
    [ -e "$path" ] || [ -L "$path" ] || continue
    if [ -d "$path" ]; then  # /lib too, a symlink to usr/lib
      dpkg -S "$path" >/dev/null 2>&1 && continue
      [ -z "$(ls -A "$path")" ] || continue  # a directory with others' files
    fi
    echo "  left: $path"
    n=$((n + 1))
  done <"$owned"
  [ "$n" -eq 0 ]
}
check purged "dpkg --purge: neither package is known to dpkg any more" \
  sh -c "! dpkg-query -W -f='\${Status}\n' portguard-probe libportguard-dev 2>/dev/null | grep -q installed"
check purge_files "no file of either package is left ($(wc -l <"$owned") paths checked)" left
check purge_prom "the scan's output $prom is gone" test ! -e "$prom"
check purge_timer "the timer's enablement is gone" \
  sh -c "! ls /etc/systemd/system/timers.target.wants/portguard-probe-scan.timer /var/lib/systemd/deb-systemd-helper-enabled/portguard-probe-scan.timer.dsh-also 2>/dev/null | grep -q ."

closing
[ "$failed" -eq 0 ]
