#!/usr/bin/env bash
# tests/deps.sh - install the Debian packages that building and testing need.
# Idempotent: installs only what is missing. Needs root and apt-get.
set -u
PKGS="build-essential autoconf automake libtool pkg-config
libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libmnl-dev libjson-c-dev libssl-dev
libcmocka-dev clang libclang-rt-dev iproute2 nftables tcpdump tshark keepalived ipvsadm
qemu-system-x86 busybox-static kmod cpio openssl python3 procps psmisc iputils-ping groff-base"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
	echo "deps: missing packages:$missing (run as root on Debian to install)" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq >/dev/null 2>&1 || true
# keepalived is a peer and reader in tests, never a running service here.
apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 ||
	apt-get install -y -qq $missing
rc=$?
if command -v systemctl >/dev/null 2>&1; then
	systemctl stop keepalived >/dev/null 2>&1 || true
fi
exit $rc
