#!/bin/bash
# vm_ipvs_basic - inside the VM (tests/vm/vm.sh run-cases): the stock
# kernel's IPVS loads and ipvsadm drives it: a TCP service with a
# direct-routing destination on a dummy interface, read back with
# `ipvsadm -Sn`, then cleared.  Runs in a fresh network namespace.
set -u
. "$(dirname "$0")/../../lib/tap.sh"
t=vm_ipvs_basic
vip=192.0.2.10 rip=192.0.2.20

if ! command -v ipvsadm >/dev/null; then
	tap_skip "$t" "ipvsadm is not installed"
	exit 0
fi
tap_check "$t: modprobe ip_vs" vm-modprobe ip_vs
tap_check "$t: ipvsadm -Ln" ipvsadm -Ln

# dummy comes through the kernel's own module request (kernel.modprobe).
if ip link add dd-ipvs0 type dummy &&
	ip addr add 192.0.2.1/24 dev dd-ipvs0 && ip link set dd-ipvs0 up; then
	tap_ok "$t: dummy interface with 192.0.2.1/24"
else
	tap_fail "$t: dummy interface with 192.0.2.1/24" "ip link add failed"
fi

# wlc is loaded on demand by the kernel, like directord relies on.
tap_check "$t: add service $vip:80 (wlc)" ipvsadm -A -t $vip:80 -s wlc
tap_check "$t: add DR destination $rip:80" \
	ipvsadm -a -t $vip:80 -r $rip:80 -g -w 3
saved=$(ipvsadm -Sn 2>&1)
want="-A -t $vip:80 -s wlc
-a -t $vip:80 -r $rip:80 -g -w 3"
if [ "$saved" = "$want" ]; then
	tap_ok "$t: ipvsadm -Sn shows the service and destination"
else
	tap_fail "$t: ipvsadm -Sn shows the service and destination" \
		"got: $(echo "$saved" | tr '\n' '|')"
fi
tap_check "$t: ipvsadm -C" ipvsadm -C
saved=$(ipvsadm -Sn 2>&1)
if [ -z "$saved" ]; then
	tap_ok "$t: table empty after clear"
else
	tap_fail "$t: table empty after clear" "got: $(echo "$saved" | tr '\n' '|')"
fi
ip link del dd-ipvs0 2>/dev/null
exit 0
