/*
 * ctl_print.c - directorctl's human-readable rendering of the status JSON.
 * Tolerant: a missing key prints as "-", never a crash.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl_print.h"

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	if (o && json_object_is_type(o, json_type_object))
		json_object_object_get_ex(o, k, &v);
	return v;
}

/* get_array - member @k when it is an array, else NULL. */
static struct json_object *get_array(struct json_object *o, const char *k)
{
	struct json_object *v = get(o, k);

	return v && json_object_is_type(v, json_type_array) ? v : NULL;
}

/* str - a scalar as text ("-" for null/missing). */
static const char *str(struct json_object *o, const char *k)
{
	struct json_object *v = get(o, k);

	if (!v)
		return "-";
	if (json_object_is_type(v, json_type_object) ||
	    json_object_is_type(v, json_type_array))
		return "...";
	return json_object_get_string(v);
}

static void fmt_duration(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		snprintf(buf, len, "-");
	else if (s < 60)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", (long long)(s / 60),
			 (long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", (long long)(s / 3600),
			 (long long)(s % 3600 / 60));
	else
		snprintf(buf, len, "%lldd%02lldh", (long long)(s / 86400),
			 (long long)(s % 86400 / 3600));
}

static const char *duration(struct json_object *o, const char *k, char *buf,
			    size_t len)
{
	struct json_object *v = get(o, k);

	if (!v || json_object_is_type(v, json_type_null))
		return "-";
	fmt_duration(json_object_get_int64(v), buf, len);
	return buf;
}

static void print_strings(FILE *f, struct json_object *a, const char *indent)
{
	size_t i;

	if (!a || !json_object_is_type(a, json_type_array))
		return;
	for (i = 0; i < json_object_array_length(a); i++) {
		const char *t =
			json_object_get_string(json_object_array_get_idx(a, i));

		fprintf(f, "%s%s\n", indent, t ? t : "-");
	}
}

static void print_daemon(FILE *f, struct json_object *st)
{
	struct json_object *d = get(st, "daemon"), *cf = get(d, "config");
	struct json_object *lr = get(cf, "last_reload");
	struct json_object *errs = get_array(lr, "errors");
	struct json_object *warns = get_array(lr, "warnings");
	char up[32], when[32] = "-";
	time_t t = (time_t)json_object_get_int64(get(lr, "time"));
	struct tm tm;

	if (t > 0 && localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(f, "directord %s, pid %s, up %s\n", str(d, "version"),
		str(d, "pid"), duration(d, "uptime", up, sizeof(up)));
	fprintf(f, "config %s, generation %s\n", str(cf, "path"),
		str(cf, "generation"));
	if (json_object_get_boolean(get(lr, "ok")))
		fprintf(f, "last reload %s: ok", when);
	else
		fprintf(f,
			"last reload %s: REFUSED, %zu errors (running "
			"configuration kept)",
			when,
			errs ? json_object_array_length(errs) : (size_t)0);
	if (warns && json_object_array_length(warns))
		fprintf(f, ", %zu warnings", json_object_array_length(warns));
	fprintf(f, "\n");
	print_strings(f, errs, "  ");
	print_strings(f, warns, "  ");
}

static void print_processes(FILE *f, struct json_object *st)
{
	struct json_object *a = get_array(st, "processes");
	size_t i;

	fprintf(f, "\n%-8s %-8s %-9s %-8s %-10s %s\n", "PROCESS", "PID",
		"UPTIME", "RESTARTS", "GENERATION", "LAST EXIT");
	for (i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *p = json_object_array_get_idx(a, i);
		char up[32];

		fprintf(f, "%-8s %-8s %-9s %-8s %-10s %s\n", str(p, "name"),
			str(p, "pid"), duration(p, "uptime", up, sizeof(up)),
			str(p, "restarts"), str(p, "generation"),
			str(p, "last_exit"));
	}
}

static void print_vrrp(FILE *f, struct json_object *st)
{
	struct json_object *a = get_array(get(st, "vrrp"), "instances");
	size_t i;

	if (!a || !json_object_array_length(a))
		return;
	fprintf(f, "\n%-16s %-10s %-5s %-7s %-9s %-16s %s\n", "VRRP INSTANCE",
		"INTERFACE", "VRID", "STATE", "PRIORITY", "MASTER", "VIPS");
	for (i = 0; i < json_object_array_length(a); i++) {
		struct json_object *v = json_object_array_get_idx(a, i);
		struct json_object *vips = get_array(v, "vips");
		char prio[24];

		snprintf(prio, sizeof(prio), "%s/%s",
			 str(v, "effective_priority"), str(v, "base_priority"));
		fprintf(f, "%-16s %-10s %-5s %-7s %-9s %-16s %zu\n",
			str(v, "name"), str(v, "interface"), str(v, "vrid"),
			str(v, "state"), prio, str(v, "master"),
			vips ? json_object_array_length(vips) : (size_t)0);
	}
}

static void print_vss(FILE *f, struct json_object *st)
{
	struct json_object *a =
		get_array(get(st, "checker"), "virtual_servers");
	size_t i, j;

	if (!a || !json_object_array_length(a))
		return;
	fprintf(f, "\n%-40s %-6s %-7s %s\n", "VIRTUAL SERVER / REAL SERVER",
		"HEALTH", "DYN.W", "REASON");
	for (i = 0; i < json_object_array_length(a); i++) {
		struct json_object *v = json_object_array_get_idx(a, i);
		struct json_object *rss = get_array(v, "real_servers");

		fprintf(f, "%-40s %s\n", str(v, "name"),
			json_object_get_boolean(get(v, "quorum_up")) ?
				"quorum up" :
				"QUORUM DOWN");
		for (j = 0; rss && j < json_object_array_length(rss); j++) {
			struct json_object *r =
				json_object_array_get_idx(rss, j);

			struct json_object *w = get(r, "weight");

			/* -1: no dynamic weight, the configured one applies */
			fprintf(f, "  %-38s %-6s %-7s %s\n", str(r, "name"),
				json_object_get_boolean(get(r, "up")) ? "up" :
									"DOWN",
				w && json_object_get_int(w) >= 0 ?
					json_object_get_string(w) :
					"-",
				str(r, "reason"));
		}
	}
}

static bool is_num(struct json_object *v)
{
	return v && (json_object_is_type(v, json_type_int) ||
		     json_object_is_type(v, json_type_double));
}

/* num - an integer member as int64 (0 when missing or not a number) */
static int64_t num(struct json_object *o, const char *k)
{
	struct json_object *v = get(o, k);

	return is_num(v) ? json_object_get_int64(v) : 0;
}

/*
 * fmt_rate - a counter in at most 5 characters, as "ipvsadm --rate" columns
 * would be if they fitted: exact below 10000, then k, M, G, T (powers of
 * 1000); "-" when @v is not a number.
 */
static const char *fmt_rate(struct json_object *v, char *buf, size_t len)
{
	static const char units[] = "kMGTPE";
	double d;
	int u = -1;

	if (!is_num(v) || json_object_get_int64(v) < 0)
		return "-";
	d = (double)json_object_get_int64(v);
	if (d < 10000) {
		snprintf(buf, len, "%lld", (long long)json_object_get_int64(v));
		return buf;
	}
	while (d >= 999.5 && u < (int)sizeof(units) - 2) {
		d /= 1000;
		u++;
	}
	snprintf(buf, len, d < 9.95 ? "%.1f%c" : "%.0f%c", d, units[u]);
	return buf;
}

/* the rate columns of one line, in the order of RATE_HDR */
#define RATE_HDR "%7s %9s %5s %5s %6s %5s %6s"
static const char *const rate_keys[] = { "cps", "inpps", "outpps", "inbps",
					 "outbps" };
#define N_RATES (sizeof(rate_keys) / sizeof(rate_keys[0]))

static void print_counters(FILE *f, struct json_object *act,
			   struct json_object *inact,
			   struct json_object *const rates[N_RATES])
{
	char b[2][16], r[N_RATES][16];

	fprintf(f, RATE_HDR, fmt_rate(act, b[0], sizeof(b[0])),
		fmt_rate(inact, b[1], sizeof(b[1])),
		fmt_rate(rates[0], r[0], sizeof(r[0])),
		fmt_rate(rates[1], r[1], sizeof(r[1])),
		fmt_rate(rates[2], r[2], sizeof(r[2])),
		fmt_rate(rates[3], r[3], sizeof(r[3])),
		fmt_rate(rates[4], r[4], sizeof(r[4])));
}

/*
 * checker_rs - the checker's view of real server @r (index @ri) of the
 * virtual server whose checker entry is @cv: the entry with that index
 * whose name "[ADDR]:PROTO:PORT" names the same address and port (the
 * checker may run another generation or list only the servers that are
 * down), else NULL.
 */
static bool checker_rs_is(struct json_object *c, const char *pre, size_t pl,
			  const char *post, size_t ql, size_t ri)
{
	const char *n = str(c, "name");
	size_t nl = strlen(n);

	if (get(c, "index") && num(c, "index") != (int64_t)ri)
		return false;
	return nl > pl + ql && !strncmp(n, pre, pl) &&
	       !strcmp(n + nl - ql, post);
}

static struct json_object *checker_rs(struct json_object *cv,
				      struct json_object *r, size_t ri)
{
	struct json_object *a = get_array(cv, "real_servers");
	size_t i, n = a ? json_object_array_length(a) : 0;
	char pre[128], post[16];
	size_t pl, ql;

	snprintf(pre, sizeof(pre), "[%s]:", str(r, "address"));
	snprintf(post, sizeof(post), ":%s", str(r, "port"));
	pl = strlen(pre);
	ql = strlen(post);
	/* the full list is in index order: try the entry at @ri first, so a
	 * big table is not scanned once per real server */
	if (ri < n && checker_rs_is(json_object_array_get_idx(a, ri), pre, pl,
				    post, ql, ri))
		return json_object_array_get_idx(a, ri);
	for (i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(a, i);

		if (checker_rs_is(c, pre, pl, post, ql, ri))
			return c;
	}
	return NULL;
}

/* checker_vs - the checker's entry for virtual server @vi, or NULL */
static struct json_object *checker_vs(struct json_object *st, size_t vi)
{
	struct json_object *a =
		get_array(get(st, "checker"), "virtual_servers");
	size_t i;

	for (i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *c = json_object_array_get_idx(a, i);

		if (get(c, "index") ? num(c, "index") == (int64_t)vi : i == vi)
			return c;
	}
	return NULL;
}

/*
 * fmt_health - "up", or "DOWN: reason", and when the checker has one, when
 * the last check ended and how long it took: "up, checked 3s ago in
 * 1.20 ms".
 */
static void fmt_health(struct json_object *r, struct json_object *cr,
		       int64_t now_ms, char *buf, size_t len)
{
	struct json_object *h = get(r, "health"), *dur = get(cr, "duration_ms");
	const char *hs = h ? json_object_get_string(h) : NULL;
	const char *reason = str(cr, "reason");
	int64_t last = num(cr, "last_check");
	char ago[32];
	size_t n;
	bool up;

	/* core's health is what the table applies; the checker's if absent */
	if (hs)
		up = !strcmp(hs, "up");
	else if (get(cr, "up"))
		up = json_object_get_boolean(get(cr, "up"));
	else {
		snprintf(buf, len, "-");
		return;
	}
	if (up || !cr || !strcmp(reason, "-") || !*reason)
		n = (size_t)snprintf(buf, len, "%s", up ? "up" : "DOWN");
	else
		n = (size_t)snprintf(buf, len, "DOWN: %s", reason);
	if (n >= len || last <= 0) /* 0: never checked */
		return;
	fmt_duration(now_ms > last ? (now_ms - last) / 1000 : 0, ago,
		     sizeof(ago));
	n += (size_t)snprintf(buf + n, len - n, ", checked %s ago", ago);
	if (n < len && is_num(dur))
		snprintf(buf + n, len - n, " in %.2f ms",
			 json_object_get_double(dur));
}

/* one real (or sorry) server line */
static void print_lvs_rs(FILE *f, const char *label, struct json_object *r,
			 const char *health)
{
	struct json_object *rates[N_RATES];
	char name[160], w[48];
	struct json_object *cw = get(r, "current_weight");
	size_t i;

	snprintf(name, sizeof(name), "%s[%s]:%s", label, str(r, "address"),
		 str(r, "port"));
	snprintf(w, sizeof(w), "%s/%s", str(r, "weight"),
		 is_num(cw) ? json_object_get_string(cw) : "-");
	for (i = 0; i < N_RATES; i++)
		rates[i] = get(r, rate_keys[i]);
	fprintf(f, "  %-30s %-9s %-9s ", name, str(r, "method"), w);
	print_counters(f, get(r, "active_conns"), get(r, "inactive_conns"),
		       rates);
	fprintf(f, "  %s\n", health);
}

/*
 * print_lvs_vs - a virtual server line, then its real servers: the VS
 * line's connections are those of its real and sorry servers, its rates
 * those of its kernel services.
 */
static void print_lvs_vs(FILE *f, struct json_object *st, struct json_object *v,
			 size_t vi, int64_t now_ms)
{
	struct json_object *rss = get_array(v, "real_servers");
	struct json_object *svcs = get_array(v, "services");
	struct json_object *sorry = get(v, "sorry_server");
	struct json_object *cv = checker_vs(st, vi);
	struct json_object *sums[N_RATES + 2], *rates[N_RATES];
	int64_t act = 0, inact = 0, rate[N_RATES] = { 0 };
	bool have[N_RATES] = { false };
	size_t i, j, missing = 0;
	char health[512];

	for (i = 0; rss && i < json_object_array_length(rss); i++) {
		act += num(json_object_array_get_idx(rss, i), "active_conns");
		inact += num(json_object_array_get_idx(rss, i),
			     "inactive_conns");
	}
	act += num(sorry, "active_conns");
	inact += num(sorry, "inactive_conns");
	for (i = 0; svcs && i < json_object_array_length(svcs); i++) {
		struct json_object *s = json_object_array_get_idx(svcs, i);

		if (!json_object_get_boolean(get(s, "installed")))
			missing++;
		for (j = 0; j < N_RATES; j++) {
			rate[j] += num(s, rate_keys[j]);
			have[j] |= is_num(get(s, rate_keys[j]));
		}
	}
	sums[0] = json_object_new_int64(act);
	sums[1] = json_object_new_int64(inact);
	/* no service in the kernel: no rates, rather than zeros */
	for (j = 0; j < N_RATES; j++)
		sums[j + 2] = rates[j] =
			have[j] ? json_object_new_int64(rate[j]) : NULL;
	fprintf(f, "%-32s %-19s ", str(v, "name"), str(v, "scheduler"));
	print_counters(f, sums[0], sums[1], rates);
	fprintf(f, "  %s",
		!get(v, "quorum_up")			     ? "-" :
		json_object_get_boolean(get(v, "quorum_up")) ? "quorum up" :
							       "QUORUM DOWN");
	if (missing)
		fprintf(f, ", %zu of %zu services not in the kernel", missing,
			json_object_array_length(svcs));
	fprintf(f, "\n");
	for (j = 0; j < N_RATES + 2; j++)
		json_object_put(sums[j]);
	for (i = 0; rss && i < json_object_array_length(rss); i++) {
		struct json_object *r = json_object_array_get_idx(rss, i);

		fmt_health(r, checker_rs(cv, r, i), now_ms, health,
			   sizeof(health));
		print_lvs_rs(f, "-> ", r, health);
	}
	if (sorry && json_object_is_type(sorry, json_type_object)) {
		struct json_object *u = get(sorry, "in_use");

		print_lvs_rs(f, "sorry ", sorry,
			     !u				? "-" :
			     json_object_get_boolean(u) ? "in use" :
							  "standby");
	}
}

/* print_ops - the last reconcile's operations, in one line */
static void print_ops(FILE *f, struct json_object *l)
{
	struct json_object *o = get(l, "last_ops");

	if (!o || !json_object_is_type(o, json_type_object))
		return;
	fprintf(f,
		"last reconcile: services %s added, %s changed, %s removed; "
		"real servers %s added, %s changed, %s removed; %s errors%s\n",
		str(o, "svc_new"), str(o, "svc_set"), str(o, "svc_del"),
		str(o, "dest_new"), str(o, "dest_set"), str(o, "dest_del"),
		str(o, "errors"),
		json_object_get_boolean(get(l, "retry_pending")) ?
			" (retry pending)" :
			"");
}

/*
 * print_lvs - the forwarding table: state, sync daemon, the last
 * reconcile, and the virtual servers as "ipvsadm -Ln --rate" would show
 * them with each real server's health. Returns whether a virtual server
 * was printed (then the checker's own table would repeat it).
 */
static bool print_lvs(FILE *f, struct json_object *st, int64_t now_ms)
{
	struct json_object *l = get(st, "lvs"), *en = get(l, "enabled");
	struct json_object *sd = get(l, "sync_daemon");
	struct json_object *vss = get_array(l, "virtual_servers");
	size_t i;

	if (en && !json_object_get_boolean(en)) {
		fprintf(f, "\nforwarding table: disabled (%s)\n",
			str(l, "reason"));
		return false;
	}
	if (!l)
		return false;
	fprintf(f, "\nforwarding table: enabled");
	if (get(l, "backend"))
		fprintf(f, " (%s, %s kernel services)", str(l, "backend"),
			str(l, "kernel_services"));
	if (sd)
		fprintf(f, ", sync daemon %s on %s for %s", str(sd, "state"),
			str(sd, "interface"), str(sd, "instance"));
	fprintf(f, "\n");
	print_ops(f, l);
	if (!vss || !json_object_array_length(vss))
		return false;
	fprintf(f, "\n%-32s %-9s %-9s " RATE_HDR "  %s\n",
		"VIRTUAL SERVER / REAL SERVER", "SCHED/FWD", "WEIGHT",
		"ACTCONN", "INACTCONN", "CPS", "INPPS", "OUTPPS", "INBPS",
		"OUTBPS", "HEALTH");
	for (i = 0; i < json_object_array_length(vss); i++)
		print_lvs_vs(f, st, json_object_array_get_idx(vss, i), i,
			     now_ms);
	return true;
}

void ctl_print_status_at(FILE *f, struct json_object *st, int64_t now_ms)
{
	print_daemon(f, st);
	print_processes(f, st);
	print_vrrp(f, st);
	/* the IPVS table shows the checker's health; without it, the
	 * checker's own table */
	if (!print_lvs(f, st, now_ms))
		print_vss(f, st);
}

void ctl_print_status(FILE *f, struct json_object *st)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		ts.tv_sec = ts.tv_nsec = 0; /* ages then print as 0s */
	ctl_print_status_at(f, st,
			    (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}
