# shellcheck shell=bash
# tests/vm/lib/kernel.sh - fetch Debian's stock kernel into the VM cache.
# Sourced by tests/vm/vm.sh.  Needs: vm_die, vm_log, VM_CACHE.
#
# Layout of $VM_CACHE:
#   current -> linux-image-<ver>-amd64_<debver>/  kernel in use
#   linux-image-<ver>-amd64_<debver>/boot/vmlinuz-<ver>
#   linux-image-<ver>-amd64_<debver>/boot/vmlinux-<ver>  (uncompressed ELF:
#       qemu boots it through PVH, which saves the ~3 s that decompressing
#       the bzImage takes under TCG)
#   linux-image-<ver>-amd64_<debver>/lib/modules/<ver>/  (depmod'ed, so
#       `modprobe -d <that dir> -S <ver>` resolves dependencies)
#   console.log   serial console of the last boot

# vm_kernel_dep: print the package linux-image-amd64 depends on, from
# apt's local package lists.
vm_kernel_dep() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' |
		head -n 1
}

# vm_kernel_pkg: print the concrete kernel package linux-image-amd64
# depends on (e.g. linux-image-6.1.0-56-amd64).
vm_kernel_pkg() {
	local pkg
	pkg=$(vm_kernel_dep)
	if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
		# A fresh machine may have no package lists yet.
		apt-get update -qq >/dev/null 2>&1
		pkg=$(vm_kernel_dep)
	fi
	[ -n "$pkg" ] || return 1
	echo "$pkg"
}

# vm_kernel_vmlinux BZIMAGE OUT: extract the uncompressed ELF kernel from
# BZIMAGE into OUT (the payload follows the first compression magic).
vm_kernel_vmlinux() {
	local bz=$1 out=$2 magic cmd off
	for magic in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08'; do
		cmd=${magic%%:*}
		command -v "$cmd" >/dev/null || continue
		off=$(LC_ALL=C grep -abo -m 1 -P "${magic#*:}" "$bz" |
			head -n 1 | cut -d: -f1)
		[ -n "$off" ] || continue
		tail -c +$((off + 1)) "$bz" | "$cmd" -dc >"$out.tmp" 2>/dev/null
		if [ "$(head -c 4 "$out.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
			mv "$out.tmp" "$out"
			return 0
		fi
	done
	rm -f "$out.tmp"
	return 1
}

# vm_kernel_fetch PKG: download PKG, unpack and depmod it in the cache, point
# $VM_CACHE/current at it.  Caller holds the cache lock.
vm_kernel_fetch() {
	local pkg=$1 dl deb debver dir kver
	dl=$(mktemp -d "$VM_CACHE/dl.XXXXXX") || return 1
	# apt drops to _apt to download; let it write there.
	chmod 755 "$dl"
	chown _apt "$dl" 2>/dev/null
	vm_log "downloading $pkg"
	if ! (cd "$dl" && apt-get download -q "$pkg" >"$dl/apt.log" 2>&1); then
		vm_log "apt-get download $pkg failed: $(tail -n 2 "$dl/apt.log")"
		rm -rf "$dl"
		return 1
	fi
	deb=$(ls "$dl"/*.deb 2>/dev/null | head -n 1)
	debver=$(dpkg-deb -f "$deb" Version 2>/dev/null)
	dir="$VM_CACHE/${pkg}_$debver"
	rm -rf "$dir.tmp"
	if ! dpkg -x "$deb" "$dir.tmp"; then
		vm_log "dpkg -x $deb failed"
		rm -rf "$dl" "$dir.tmp"
		return 1
	fi
	rm -rf "$dl"
	kver=$(ls "$dir.tmp/lib/modules" 2>/dev/null | head -n 1)
	if [ -z "$kver" ] || [ ! -f "$dir.tmp/boot/vmlinuz-$kver" ] ||
		! depmod -b "$dir.tmp" "$kver"; then
		vm_log "$pkg: no kernel/modules or depmod failed"
		rm -rf "$dir.tmp"
		return 1
	fi
	# Without an ELF kernel qemu boots the bzImage, only slower.
	vm_kernel_vmlinux "$dir.tmp/boot/vmlinuz-$kver" \
		"$dir.tmp/boot/vmlinux-$kver" ||
		vm_log "$pkg: no vmlinux extracted; booting the bzImage"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir" && ln -sfn "${dir##*/}" "$VM_CACHE/current"
}

# vm_kernel_prepare: make sure a kernel is cached (downloading it only when
# none is, or when DD_VM_REFRESH=1 and apt has a newer one); sets VM_KROOT
# (the `modprobe -d` directory), VM_KVER and VM_VMLINUZ.
vm_kernel_prepare() {
	local pkg cur
	exec 9>"$VM_CACHE/.lock"
	flock 9
	cur=$(readlink "$VM_CACHE/current" 2>/dev/null)
	if [ -n "${DD_VM_KPKG:-}" ]; then
		pkg=$DD_VM_KPKG
	elif [ -z "$cur" ] || [ "${DD_VM_REFRESH:-0}" = 1 ]; then
		pkg=$(vm_kernel_pkg) ||
			vm_die "cannot resolve linux-image-amd64 (apt-cache)"
	else
		pkg=${cur%%_*}
	fi
	if [ "${cur%%_*}" != "$pkg" ] || [ ! -d "$VM_CACHE/$cur" ]; then
		vm_kernel_fetch "$pkg" || vm_die "cannot fetch kernel $pkg"
		# Older kernels are no longer used.
		cur=$(readlink "$VM_CACHE/current")
		for d in "$VM_CACHE"/linux-image-*; do
			[ "${d##*/}" = "$cur" ] || rm -rf "$d"
		done
	fi
	VM_KROOT=$(cd "$VM_CACHE/current" && pwd -P)
	VM_KVER=$(ls "$VM_KROOT/lib/modules" | head -n 1)
	[ -f "$VM_KROOT/boot/vmlinux-$VM_KVER" ] ||
		vm_kernel_vmlinux "$VM_KROOT/boot/vmlinuz-$VM_KVER" \
			"$VM_KROOT/boot/vmlinux-$VM_KVER"
	exec 9>&-
	VM_VMLINUZ=$VM_KROOT/boot/vmlinux-$VM_KVER
	[ -f "$VM_VMLINUZ" ] || VM_VMLINUZ=$VM_KROOT/boot/vmlinuz-$VM_KVER
	[ -f "$VM_VMLINUZ" ] || vm_die "no kernel image in $VM_KROOT"
}
