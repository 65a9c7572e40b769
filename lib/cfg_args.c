/*
 * cfg_args.c - typed parsers for keyword arguments. Each reports its own
 * error at the current line, naming the keyword, and returns 0 or -1.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "cfg_int.h"

/* @s as a decimal number, digits only; false when empty, not digits or
 * above ULONG_MAX (by hand: strtoul per number was a tenth of the parse of
 * a big configuration) */
static bool dec_parse(const char *s, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned long d = (unsigned long)(unsigned char)*s - '0';

		if (d > 9 || v > (ULONG_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

int cfg_arg_uint(struct cfg_ctx *x, const char *what, const char *s,
		 unsigned long lo, unsigned long hi, unsigned *out)
{
	unsigned long v;

	if (!dec_parse(s, &v) || v < lo || v > hi) {
		cfg_err(x, "%s '%s' is not an integer from %lu to %lu", what, s,
			lo, hi);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

int cfg_arg_int(struct cfg_ctx *x, const char *what, const char *s, long lo,
		long hi, int *out)
{
	bool neg = *s == '-';
	const char *d = (*s == '-' || *s == '+') ? s + 1 : s;
	unsigned long u;
	long v;

	/* a magnitude beyond long's range is out of any range asked */
	if (!dec_parse(d, &u) || u > (unsigned long)LONG_MAX)
		goto bad;
	v = neg ? -(long)u : (long)u;
	if (v < lo || v > hi)
		goto bad;
	*out = (int)v;
	return 0;
bad:
	cfg_err(x, "%s '%s' is not an integer from %ld to %ld", what, s, lo,
		hi);
	return -1;
}

int cfg_arg_time(struct cfg_ctx *x, const char *what, const char *s,
		 uint64_t max_us, uint64_t *out)
{
	uint64_t sec = 0, frac = 0;
	const char *p = s;
	int nd = 0, nf = 0;

	for (; *p >= '0' && *p <= '9' && nd < 12; p++, nd++)
		sec = sec * 10 + (uint64_t)(*p - '0');
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, nf++)
			if (nf < 6)
				frac = frac * 10 + (uint64_t)(*p - '0');
		for (; nf < 6; nf++)
			frac *= 10;
	}
	if (*p || (!nd && !nf)) {
		cfg_err(x, "%s '%s' is not a time in seconds (e.g. 2 or 0.5)",
			what, s);
		return -1;
	}
	if (sec * 1000000 + frac > max_us) {
		cfg_err(x, "%s '%s' is out of range (at most %llu.%06llu s)",
			what, s, (unsigned long long)(max_us / 1000000),
			(unsigned long long)(max_us % 1000000));
		return -1;
	}
	*out = sec * 1000000 + frac;
	return 0;
}

int cfg_arg_bool(struct cfg_ctx *x, const char *what, const char *s, bool *out)
{
	static const char *const yes[] = { "on", "true", "yes" };
	static const char *const no[] = { "off", "false", "no" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	cfg_err(x, "%s '%s' is not a boolean (on/off, true/false, yes/no)",
		what, s);
	return -1;
}

int cfg_arg_optbool(struct cfg_ctx *x, const char *what, int argc, char **argv,
		    bool *out)
{
	if (argc == 0) {
		*out = true;
		return 0;
	}
	return cfg_arg_bool(x, what, argv[0], out);
}

int cfg_arg_addr(struct cfg_ctx *x, const char *what, const char *s,
		 struct addr *out)
{
	if (addr_parse(s, out) < 0) {
		cfg_err(x, "%s '%s' is not an IPv4 or IPv6 address", what, s);
		return -1;
	}
	return 0;
}

int cfg_arg_port(struct cfg_ctx *x, const char *what, const char *s,
		 uint16_t *out)
{
	unsigned v;

	if (cfg_arg_uint(x, what, s, 0, 65535, &v) < 0)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

int cfg_arg_name(struct cfg_ctx *x, const char *what, const char *s, char *out,
		 size_t size)
{
	if (!*s || strlen(s) >= size) {
		cfg_err(x, "%s '%s' must have 1 to %zu characters", what, s,
			size - 1);
		return -1;
	}
	strcpy(out, s);
	return 0;
}

int cfg_arg_cmd(struct cfg_ctx *x, int argc, char **argv, struct cfg_cmd *out)
{
	if (!*argv[0]) {
		cfg_err(x, "empty command");
		return -1;
	}
	cfg_set_str(&out->cmd, argv[0]);
	/* a user set by a separate "user" keyword stays unless given here */
	if (argc > 1) {
		cfg_set_str(&out->user, argv[1]);
		free(out->group);
		out->group = argc > 2 ? cfg_xstrdup(argv[2]) : NULL;
	}
	return 0;
}

int cfg_arg_fwd(struct cfg_ctx *x, int argc, char **argv,
		struct cfg_fwd_method *out)
{
	struct cfg_fwd_method f = { .method = CFG_FWD_NAT };
	bool csum_set = false;
	int i;

	if (!strcmp(argv[0], "NAT"))
		f.method = CFG_FWD_NAT;
	else if (!strcmp(argv[0], "DR"))
		f.method = CFG_FWD_DR;
	else if (!strcmp(argv[0], "TUN"))
		f.method = CFG_FWD_TUN;
	else {
		cfg_err(x, "unknown forwarding method '%s' (NAT, DR or TUN)",
			argv[0]);
		return -1;
	}
	if (argc > 1 && f.method != CFG_FWD_TUN) {
		cfg_err(x, "tunnel option '%s' is only valid with TUN",
			argv[1]);
		return -1;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "type") && i + 1 < argc) {
			const char *t = argv[++i];

			if (!strcmp(t, "ipip")) {
				f.tun_type = CFG_TUN_IPIP;
			} else if (!strcmp(t, "gre")) {
				f.tun_type = CFG_TUN_GRE;
			} else if (!strcmp(t, "gue")) {
				unsigned port;

				f.tun_type = CFG_TUN_GUE;
				if (i + 2 >= argc ||
				    strcmp(argv[i + 1], "port")) {
					cfg_err(x, "tunnel type gue needs "
						   "'port N'");
					return -1;
				}
				if (cfg_arg_uint(x, "gue port", argv[i + 2], 1,
						 65535, &port) < 0)
					return -1;
				f.tun_port = (uint16_t)port;
				i += 2;
			} else {
				cfg_err(x,
					"unknown tunnel type '%s' (ipip, "
					"gue or gre)",
					t);
				return -1;
			}
		} else if (!strcmp(a, "nocsum") || !strcmp(a, "csum") ||
			   !strcmp(a, "remcsum")) {
			if (csum_set) {
				cfg_err(x, "more than one tunnel checksum "
					   "option");
				return -1;
			}
			csum_set = true;
			f.tun_csum = !strcmp(a, "nocsum") ? CFG_TUN_NOCSUM :
				     !strcmp(a, "csum")	  ? CFG_TUN_CSUM :
							    CFG_TUN_REMCSUM;
		} else {
			cfg_err(x, "unknown tunnel option '%s'", a);
			return -1;
		}
	}
	if (csum_set && f.tun_type == CFG_TUN_IPIP) {
		cfg_err(x, "tunnel checksum options need type gue or gre");
		return -1;
	}
	if (f.tun_csum == CFG_TUN_REMCSUM && f.tun_type != CFG_TUN_GUE) {
		cfg_err(x, "remcsum needs tunnel type gue");
		return -1;
	}
	*out = f;
	return 0;
}

int cfg_arg_family(struct cfg_ctx *x, const char *s, int *out)
{
	if (!strcmp(s, "inet")) {
		*out = AF_INET;
	} else if (!strcmp(s, "inet6")) {
		*out = AF_INET6;
	} else {
		cfg_err(x, "unknown address family '%s' (inet or inet6)", s);
		return -1;
	}
	return 0;
}

const char *cfg_family_name(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}
