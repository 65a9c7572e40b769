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

static void child_write(struct jw *w, const struct core_child *ch)
{
	bool running = ch->pid > 0;

	jw_obj_open(w, NULL);
	jw_str(w, "name", ch->name);
	if (running)
		jw_int(w, "pid", ch->pid);
	else
		jw_null(w, "pid");
	jw_bool(w, "running", running);
	if (running)
		jw_int(w, "uptime", secs_since(ch->started_us));
	else
		jw_null(w, "uptime");
	jw_int(w, "restarts", ch->restarts);
	jw_str(w, "last_exit", ch->last_exit[0] ? ch->last_exit : NULL);
	jw_int(w, "generation", (int64_t)ch->ready_generation);
	if (!ch->ready_ok && ch->ready_error[0])
		jw_str(w, "error", ch->ready_error);
	if (ch->restart_timer) {
		uint64_t now = ev_now_us();

		jw_int(w, "restart_in",
		       ch->restart_at_us > now ?
			       (int64_t)((ch->restart_at_us - now) / 1000000u) :
			       0);
	}
	jw_obj_close(w);
}

static void processes_write(struct jw *w, const struct core *c)
{
	int i;

	jw_arr_open(w, "processes");
	jw_obj_open(w, NULL);
	jw_str(w, "name", "core");
	jw_int(w, "pid", c->pid);
	jw_bool(w, "running", true);
	jw_int(w, "uptime", secs_since(c->start_us));
	jw_int(w, "restarts", 0);
	jw_null(w, "last_exit");
	jw_int(w, "generation", (int64_t)c->generation);
	jw_obj_close(w);
	for (i = 0; i < CORE_N_CHILDREN; i++) {
		const struct core_child *ch = &c->child[i];

		if (ch->wanted || ch->pid > 0 || ch->restarts ||
		    ch->last_exit[0])
			child_write(w, ch);
	}
	jw_arr_close(w);
}

static void lvs_write(struct jw *w, struct core *c)
{
	if (c->lvs && lvs_status_write(w, "lvs", c->lvs) == 0)
		return;
	jw_obj_open(w, "lvs");
	jw_bool(w, "enabled", false);
	jw_str(w, "reason", c->lvs ? "status unavailable" : c->lvs_reason);
	jw_obj_close(w);
}

void status_write(struct jw *w, const char *key, struct core *c)
{
	struct json_object *lr = last_reload_json(c);

	jw_obj_open(w, key);
	jw_obj_open(w, "daemon");
	jw_int(w, "pid", c->pid);
	jw_int(w, "uptime", secs_since(c->start_us));
	jw_str(w, "version", PACKAGE_VERSION);
	jw_str(w, "control", c->opts.control);
	jw_obj_open(w, "config");
	jw_str(w, "path", c->opts.config);
	jw_int(w, "generation", (int64_t)c->generation);
	jw_raw(w, "last_reload",
	       json_object_to_json_string_ext(lr, JSON_C_TO_STRING_PLAIN));
	jw_obj_close(w);
	jw_obj_close(w);
	processes_write(w, c);
	jw_raw(w, "vrrp", c->child[CORE_VRRP].status);
	jw_raw(w, "checker", c->child[CORE_CHECKER].status);
	lvs_write(w, c);
	jw_obj_close(w);
	json_object_put(lr);
}
