/*
 * status.c - the daemon's status as one JSON object: core, processes, the
 * children's latest STATUS_JSON, and the forwarding table.
 */
#include "config.h"

#include <stdio.h>

#include "core.h"
#include "lvs.h"

static struct json_object *str_array(char *const *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static int64_t secs_since(uint64_t since_us)
{
	return (int64_t)((ev_now_us() - since_us) / 1000000u);
}

static struct json_object *last_reload_json(const struct core *c)
{
	const struct core_reload_result *r = &c->last_reload;
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "time", json_object_new_int64(r->time));
	json_object_object_add(o, "ok", json_object_new_boolean(r->ok));
	json_object_object_add(o, "errors", str_array(r->errors, r->n_errors));
	json_object_object_add(o, "warnings",
			       str_array(r->warnings, r->n_warnings));
	return o;
}

struct json_object *status_reload_json(const struct core *c)
{
	struct json_object *o = last_reload_json(c);

	json_object_object_add(o, "generation",
			       json_object_new_int64(c->generation));
	return o;
}

static struct json_object *child_json(const struct core_child *ch)
{
	struct json_object *o = json_object_new_object();
	bool running = ch->pid > 0;

	json_object_object_add(o, "name", json_object_new_string(ch->name));
	json_object_object_add(o, "pid",
			       running ? json_object_new_int(ch->pid) : NULL);
	json_object_object_add(o, "running", json_object_new_boolean(running));
	json_object_object_add(
		o, "uptime",
		running ? json_object_new_int64(secs_since(ch->started_us)) :
			  NULL);
	json_object_object_add(o, "restarts",
			       json_object_new_int64(ch->restarts));
	json_object_object_add(o, "last_exit",
			       ch->last_exit[0] ?
				       json_object_new_string(ch->last_exit) :
				       NULL);
	json_object_object_add(o, "generation",
			       json_object_new_int64(ch->ready_generation));
	if (!ch->ready_ok && ch->ready_error[0])
		json_object_object_add(o, "error",
				       json_object_new_string(ch->ready_error));
	if (ch->restart_timer) {
		uint64_t now = ev_now_us();

		json_object_object_add(
			o, "restart_in",
			json_object_new_int64(
				ch->restart_at_us > now ?
					(int64_t)((ch->restart_at_us - now) /
						  1000000u) :
					0));
	}
	return o;
}

static struct json_object *processes_json(const struct core *c)
{
	struct json_object *a = json_object_new_array();
	struct json_object *o = json_object_new_object();
	int i;

	json_object_object_add(o, "name", json_object_new_string("core"));
	json_object_object_add(o, "pid", json_object_new_int(c->pid));
	json_object_object_add(o, "running", json_object_new_boolean(1));
	json_object_object_add(o, "uptime",
			       json_object_new_int64(secs_since(c->start_us)));
	json_object_object_add(o, "restarts", json_object_new_int(0));
	json_object_object_add(o, "last_exit", NULL);
	json_object_object_add(o, "generation",
			       json_object_new_int64(c->generation));
	json_object_array_add(a, o);
	for (i = 0; i < CORE_N_CHILDREN; i++) {
		const struct core_child *ch = &c->child[i];

		if (ch->wanted || ch->pid > 0 || ch->restarts ||
		    ch->last_exit[0])
			json_object_array_add(a, child_json(ch));
	}
	return a;
}

static struct json_object *lvs_json(struct core *c)
{
	struct json_object *o;

	if (c->lvs) {
		o = lvs_status(c->lvs);
		if (o)
			return o;
	}
	o = json_object_new_object();
	json_object_object_add(o, "enabled", json_object_new_boolean(0));
	json_object_object_add(
		o, "reason",
		json_object_new_string(c->lvs ? "status unavailable" :
						c->lvs_reason));
	return o;
}

struct json_object *status_json(struct core *c)
{
	struct json_object *s = json_object_new_object();
	struct json_object *d = json_object_new_object();
	struct json_object *cf = json_object_new_object();

	json_object_object_add(d, "pid", json_object_new_int(c->pid));
	json_object_object_add(d, "uptime",
			       json_object_new_int64(secs_since(c->start_us)));
	json_object_object_add(d, "version",
			       json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(d, "control",
			       json_object_new_string(c->opts.control));
	json_object_object_add(cf, "path",
			       json_object_new_string(c->opts.config));
	json_object_object_add(cf, "generation",
			       json_object_new_int64(c->generation));
	json_object_object_add(cf, "last_reload", last_reload_json(c));
	json_object_object_add(d, "config", cf);
	json_object_object_add(s, "daemon", d);
	json_object_object_add(s, "processes", processes_json(c));
	json_object_object_add(s, "vrrp",
			       json_object_get(c->child[CORE_VRRP].status));
	json_object_object_add(s, "checker",
			       json_object_get(c->child[CORE_CHECKER].status));
	json_object_object_add(s, "lvs", lvs_json(c));
	return s;
}
