#!/usr/bin/env bash
# test_manpages.sh - the manual pages in doc/: groff renders each without a
# warning, make installs each, and each names (in bold) what the code
# accepts: directord.conf.5 every keyword of the loader's keyword tables
# (lib/cfg_kw_*.c, read through the C preprocessor so that table macros
# expand as the compiler sees them), directord.8 every option of
# daemon/options.c, directorctl.8 every command and option of
# daemon/directorctl.c, daemon/realserver.c and checker/genhash.c,
# directord-drill.8 every option of daemon/directord-drill.
# One TAP-ish line per check (tests/lib/tap.sh).
#
# Env: DD_SRCDIR (source tree), CC (the preprocessor's compiler, default cc).
set -u
SRC=${DD_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/lib/tap.sh"
DOC=$SRC/doc
CC=${CC:-cc}
PAGES="directord.8 directord.conf.5 directorctl.8 directord-drill.8"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# bold_words PAGE: every word the page prints in bold, one per line. Font
# changes are followed as groff does (\fB \fI \fR \fP and the .B .BI .BR
# .IB .RB macros); "\-" counts as "-".
bold_words() {
	perl -ne '
		BEGIN { our ($cur, $prev, $out) = ("R", "R", "") }
		next if /^\.\\"/;
		chomp;
		sub args { my @a; my $s = shift;
			while ($s =~ /\G\s*(?:"((?:[^"]|"")*)"|(\S+))/gc) {
				push @a, defined $1 ? $1 : $2 }
			return @a }
		if (/^\.(B|I|BI|BR|IB|RB|IR|RI)\s+(.*)$/) {
			my ($m, @a) = ($1, args($2));
			my @f = length($m) == 1 ? ($m) : split //, $m;
			my $t = "";
			if (length($m) == 1) {
				# one font for all the words
				$t = "\\f$m" . join(" ", @a);
			} else {
				$t .= "\\f$f[$_ % 2]$a[$_]" for 0 .. $#a;
			}
			$_ = $t . "\\fR";
		} elsif (/^\./) {
			next;
		}
		s/\\-/-/g; s/\\&//g; s/\\~/ /g; s/\\e/\\/g;
		my $line = $_;
		while ($line =~ /\G(?:\\f([BIRP])|\\\((..)|(.))/gcs) {
			if (defined $1) {
				if ($1 eq "P") { ($cur, $prev) = ($prev, $cur) }
				else { ($cur, $prev) = ($1, $cur) }
				$out .= " ";
			} elsif (defined $3) {
				$out .= $cur eq "B" ? $3 : " ";
			} else {
				$out .= " ";
			}
		}
		$out .= " ";
		END { print "$_\n" for grep { length } split /[^A-Za-z0-9_\-]+/, $out }
	' "$1" | sort -u
}

# missing LIST PAGE: the lines of LIST that PAGE does not print in bold.
missing() {
	bold_words "$2" >"$tmp/bold"
	grep -vxF -f "$tmp/bold" "$1" | sort -u | tr '\n' ' '
}

# check_names NAME LIST PAGE MIN: every name in LIST is bold in PAGE; LIST
# must hold at least MIN names (else the extraction broke).
check_names() {
	local name=$1 list=$2 page=$3 min=$4 n miss
	n=$(sort -u "$list" | grep -c .)
	if [ "$n" -lt "$min" ]; then
		tap_fail "$name" "found only $n names in the code (want >= $min): extraction broken"
		return
	fi
	miss=$(missing "$list" "$page")
	if [ -n "$miss" ]; then
		tap_fail "$name" "not in doc/$(basename "$page"): $miss"
	else
		tap_ok "$name ($n names)"
	fi
}

# 1. groff renders each page without a warning (and man(1) agrees).
for p in $PAGES; do
	f=$DOC/$p
	if [ ! -f "$f" ]; then
		tap_fail "manpage $p: groff" "no doc/$p"
		continue
	fi
	if ! command -v groff >/dev/null; then
		tap_skip "manpage $p: groff" "groff not installed (apt-get install groff-base)"
		continue
	fi
	warn=$(groff -man -ww -z -Tutf8 -rLL=78n "$f" 2>&1)
	if command -v man >/dev/null; then
		warn+=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 "$f" 2>&1 >/dev/null)
	fi
	if [ -n "$warn" ]; then
		tap_fail "manpage $p: groff" "$(printf '%s' "$warn" | head -n 3 | tr '\n' ' ')"
	else
		tap_ok "manpage $p: groff"
	fi
done

# 2. make install installs each page.
frag=$DOC/Makefile.inc
for p in $PAGES; do
	if grep -Eq "^dist_man_MANS.*(^|[[:space:]])doc/$p([[:space:]]|\\\\|\$)" "$frag" ||
		sed -n '/^dist_man_MANS/,/[^\\]$/p' "$frag" | grep -qw "doc/$p"; then
		tap_ok "manpage $p: in dist_man_MANS"
	else
		tap_fail "manpage $p: in dist_man_MANS" "doc/Makefile.inc does not install doc/$p"
	fi
done

# 3. directord.conf.5: every keyword of the loader's tables. The tables are
# "static const struct cfg_kw NAME[] = { ... };" whose entries start with
# the keyword string once the macros are expanded.
ntab_src=$(cat "$SRC"/lib/cfg_kw_*.c | grep -cE 'struct[[:space:]]+cfg_kw[[:space:]]+[A-Za-z_0-9]+[[:space:]]*\[[[:space:]]*\][[:space:]]*=')
if ! for f in "$SRC"/lib/cfg_kw_*.c; do
	"$CC" -E -P -I"$SRC/lib" -I"$SRC" "$f" || exit 1
done >"$tmp/kw.i" 2>"$tmp/cpp.err"; then
	tap_fail "manpage directord.conf.5: keywords" "preprocessing lib/cfg_kw_*.c failed: $(head -n 2 "$tmp/cpp.err" | tr '\n' ' ')"
else
	perl -0777 -ne '
		my $n = 0;
		while (/struct\s+cfg_kw\s+\w+\s*\[\s*\]\s*=\s*\{(.*?)\}\s*;/sg) {
			my $b = $1; $n++;
			print "$1\n" while $b =~ /\{\s*"([^"]+)"/g;
		}
		print STDERR "$n\n";
	' "$tmp/kw.i" >"$tmp/kw" 2>"$tmp/ntab"
	if [ "$(cat "$tmp/ntab")" != "$ntab_src" ]; then
		tap_fail "manpage directord.conf.5: keywords" "read $(cat "$tmp/ntab") keyword tables, the sources define $ntab_src"
	else
		check_names "manpage directord.conf.5: every loader keyword" "$tmp/kw" "$DOC/directord.conf.5" 300
	fi
fi

# long_opts FILE: the names of "struct option" tables in a C file, as --NAME.
long_opts() {
	perl -0777 -ne 'while (/struct\s+option\s+\w+\s*\[\s*\]\s*=\s*\{(.*?)\}\s*;/sg) {
		my $b = $1; print "--$1\n" while $b =~ /\{\s*"([^"]+)"/g }' "$1"
}

# 4. directord.8: every long and short option.
{
	long_opts "$SRC/daemon/options.c"
	# short options from the getopt_long string
	perl -ne 'if (/getopt_long\([^"]*"([^"]+)"/) { (my $s = $1) =~ s/[:+]//g;
		print "-$_\n" for split //, $s }' "$SRC/daemon/options.c"
} >"$tmp/dd-opts"
check_names "manpage directord.8: every option" "$tmp/dd-opts" "$DOC/directord.8" 25

# 5. directorctl.8: commands and options of directorctl, realserver, genhash.
{
	perl -ne 'print "$1\n" while /strcmp\(cmd, "([a-z-]+)"\)/g' \
		"$SRC/daemon/directorctl.c" "$SRC/daemon/realserver.c"
	long_opts "$SRC/daemon/directorctl.c"
	long_opts "$SRC/daemon/realserver.c"
	long_opts "$SRC/checker/genhash.c"
	perl -ne 'if (/getopt_long\([^"]*"([^"]+)"/) { (my $s = $1) =~ s/[:+]//g;
		print "-$_\n" for split //, $s }' "$SRC/checker/genhash.c" "$SRC/daemon/directorctl.c"
} >"$tmp/ctl"
check_names "manpage directorctl.8: every command and option" "$tmp/ctl" "$DOC/directorctl.8" 20

# 6. directord-drill.8: every option of the argument loop.
sed -n '/^while \[ \$# -gt 0 \]/,/^done/p' "$SRC/daemon/directord-drill" |
	grep -oE '^[[:space:]]*-[-a-z| ]*\)' | grep -oE -- '--?[a-z][-a-z]*' >"$tmp/drill"
check_names "manpage directord-drill.8: every option" "$tmp/drill" "$DOC/directord-drill.8" 10
exit 0
