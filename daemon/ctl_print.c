/*
 * ctl_print.c - directorctl's human-readable rendering of the status JSON.
 * Tolerant: a missing key prints as "-", never a crash.
 */
#include "config.h"

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

static void print_lvs(FILE *f, struct json_object *st)
{
	struct json_object *l = get(st, "lvs"), *en = get(l, "enabled");

	if (en && !json_object_get_boolean(en))
		fprintf(f, "\nforwarding table: disabled (%s)\n",
			str(l, "reason"));
	else if (l)
		fprintf(f, "\nforwarding table: enabled\n");
}

void ctl_print_status(FILE *f, struct json_object *st)
{
	print_daemon(f, st);
	print_processes(f, st);
	print_vrrp(f, st);
	print_vss(f, st);
	print_lvs(f, st);
}
