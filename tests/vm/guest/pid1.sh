#!/bin/bash
# PID 1 inside the VM, in the host's (read-only) root after the initramfs
# (tests/vm/guest/initramfs-init) set up the mounts and switched to it: run
# the job's command with its output in the results share, record its exit
# status, power off.
set -u
res=/run/dd-vm/results
# shellcheck source=/dev/null
. "$res/job.env"
# Files a job leaves in $DD_VM_OUT reach the host's $DD_VM_OUTDIR.
DD_VM_OUT=$res/out
mkdir -p "$DD_VM_OUT"
export DD_VM_GUEST DD_VM_MODDIR DD_VM_KVER DD_VM_OUT
# HOME is writable and empty: the host root is read-only, and its dotfiles
# are not for the VM.
export PATH="/run/dd-vm/bin:$DD_VM_PATH" HOME=/run/dd-vm/home TERM=dumb
# A source or build tree under the host's /tmp or /var/tmp (a clone made
# there) is hidden by the guest's fresh tmpfs: show it at its own path,
# read-only, from /run/dd-vm/host where the initramfs kept it.
for d in ${DD_SRCDIR:-} ${DD_BUILD:-}; do
	case $d in
	/tmp/* | /var/tmp/*)
		if [ -d "/run/dd-vm/host$d" ] && ! mountpoint -q "$d"; then
			mkdir -p "$d" && mount --bind "/run/dd-vm/host$d" "$d"
		fi
		;;
	esac
done
cd "$DD_VM_CWD" 2>/dev/null || cd /
read -r up _ </proc/uptime
echo "$up" >"$res/uptime.run"

# Should vm.sh die without killing qemu (SIGKILL), the guest still ends.
(
	sleep "${DD_VM_WATCHDOG:-630}"
	echo "vm: guest watchdog: powering off after ${DD_VM_WATCHDOG:-630}s" \
		>/dev/console
	echo o >/proc/sysrq-trigger
) </dev/null >/dev/null 2>&1 &

# The command (bash words quoted by the host) runs as a child so that PID 1
# records its status and powers off whatever the command does.
(
	# shellcheck source=/dev/null
	. "$res/job.cmd"
	exec "${DD_VM_CMD[@]}"
) </dev/null >"$res/stdout" 2>"$res/stderr"
rc=$?
read -r up _ </proc/uptime
echo "$up" >"$res/uptime.end"
echo "$rc" >"$res/rc.tmp" && mv "$res/rc.tmp" "$res/rc"
# Flush the results share before the power goes.
sync
umount "$res" 2>/dev/null
echo o >/proc/sysrq-trigger
sleep 10
