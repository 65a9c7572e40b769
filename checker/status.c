/* status.c - the checker's state as JSON for core (IPC_STATUS_JSON). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "evloop.h"
#include "ipc.h"
#include "log.h"
#include "checker/notify.h"
#include "checker/proc.h"
#include "checker/status.h"

#define STATUS_MIN_INTERVAL_US 1000000
/* above this many real servers the full object cannot fit one message
 * (about 450 bytes each): list only those that are down */
#define STATUS_FULL_MAX_RS 120
/* and at most this many down ones when truncated */
#define STATUS_DOWN_MAX_RS 100

/* milliseconds with microsecond precision, printed as such */
static json_object *status_ms(uint64_t us)
{
	char b[32];

	snprintf(b, sizeof(b), "%.3f", (double)us / 1000.0);
	return json_object_new_double_s((double)us / 1000.0, b);
}

static void status_add_check(json_object *arr, const struct chk *k)
{
	json_object *o = json_object_new_object();

	json_object_object_add(
		o, "type", json_object_new_string(chk_type_name(k->cfg->type)));
	json_object_object_add(o, "up", json_object_new_boolean(k->fsm.up));
	json_object_object_add(o, "failures",
			       json_object_new_int64(k->fsm.fails));
	json_object_object_add(o, "runs",
			       json_object_new_int64((int64_t)k->runs));
	json_object_object_add(o, "last_check",
			       json_object_new_int64((int64_t)k->last_wall_ms));
	json_object_object_add(o, "duration_ms",
			       status_ms(k->last_duration_us));
	json_object_object_add(o, "reason",
			       json_object_new_string(chk_reason(k)));
	json_object_object_add(
		o, "last_failure",
		json_object_new_string(chk_str(k->last_failure)));
	json_object_array_add(arr, o);
}

static json_object *status_rs(const struct chk_rs *rs)
{
	json_object *o = json_object_new_object(), *checks;
	char name[CHK_NAME_MAX];
	const struct chk *last = NULL, *failing = NULL;
	unsigned fails = 0;
	const char *lastfail = "";
	size_t i;

	json_object_object_add(o, "index",
			       json_object_new_int64((int64_t)rs->idx));
	json_object_object_add(
		o, "name",
		json_object_new_string(chk_fmt_rs(rs->vs->cfg, rs->cfg, name)));
	json_object_object_add(o, "up", json_object_new_boolean(rs->up));
	json_object_object_add(o, "weight",
			       json_object_new_int(rs->weight >= 0 ?
							   rs->weight :
							   rs->cfg->weight));
	json_object_object_add(o, "dynamic_weight",
			       json_object_new_int(rs->weight));
	json_object_object_add(
		o, "reason",
		json_object_new_string(rs->up ? "" : chk_str(rs->reason)));
	json_object_object_add(
		o, "since", json_object_new_int64((int64_t)rs->since_wall_ms));
	checks = json_object_new_array();
	for (i = 0; i < rs->n_checks; i++) {
		const struct chk *k = chk_rs_check(rs, i);

		status_add_check(checks, k);
		if (!last || k->last_wall_ms > last->last_wall_ms)
			last = k;
		if (k->fsm.fails > fails)
			fails = k->fsm.fails;
		/* the newest failure: a checker whose last run failed, the
		 * latest of those; else any failure remembered */
		if (chk_failed(k) && k->last_failure &&
		    (!failing || k->last_wall_ms > failing->last_wall_ms))
			failing = k;
		if (k->last_failure && !*lastfail)
			lastfail = k->last_failure;
	}
	if (failing)
		lastfail = failing->last_failure;
	json_object_object_add(o, "last_failure",
			       json_object_new_string(lastfail));
	json_object_object_add(
		o, "last_check",
		json_object_new_int64(last ? (int64_t)last->last_wall_ms : 0));
	json_object_object_add(o, "duration_ms",
			       status_ms(last ? last->last_duration_us : 0));
	json_object_object_add(o, "failures", json_object_new_int64(fails));
	json_object_object_add(o, "checks", checks);
	return o;
}

char *chk_status_json(const struct chk_engine *e, bool only_down)
{
	json_object *top = json_object_new_object(), *vss;
	char name[CHK_NAME_MAX], *out;
	size_t i, j, n_rs = 0, n_down = 0, listed = 0;

	if (!top)
		return NULL;
	for (i = 0; i < e->n_vss; i++) {
		n_rs += e->vss[i]->n_rss;
		for (j = 0; j < e->vss[i]->n_rss; j++)
			n_down += !e->vss[i]->rss[j]->up;
	}
	json_object_object_add(
		top, "generation",
		json_object_new_int64(e->gen ? e->gen->generation : 0));
	json_object_object_add(
		top, "probes",
		json_object_new_int64((int64_t)e->probes_started));
	json_object_object_add(top, "probes_in_flight",
			       json_object_new_int64((int64_t)e->slots_used));
	json_object_object_add(
		top, "probe_slots",
		json_object_new_int64(
			(int64_t)(e->slots_budget < CHK_SLOTS_MAX ?
					  e->slots_budget :
					  CHK_SLOTS_MAX)));
	json_object_object_add(top, "probes_waiting",
			       json_object_new_int64((int64_t)e->waitq.live));
	json_object_object_add(
		top, "probes_deferred",
		json_object_new_int64((int64_t)e->slots_deferred));
	json_object_object_add(top, "tcp_sockets",
			       json_object_new_int64((int64_t)e->pool_open));
	json_object_object_add(top, "truncated",
			       json_object_new_boolean(only_down));
	json_object_object_add(top, "real_servers",
			       json_object_new_int64((int64_t)n_rs));
	json_object_object_add(top, "real_servers_down",
			       json_object_new_int64((int64_t)n_down));
	vss = json_object_new_array();
	for (i = 0; i < e->n_vss; i++) {
		const struct chk_vs *vs = e->vss[i];
		json_object *v = json_object_new_object();
		json_object *rss = json_object_new_array();

		json_object_object_add(v, "index",
				       json_object_new_int64((int64_t)vs->idx));
		json_object_object_add(v, "name",
				       json_object_new_string(chk_fmt_vs(
					       e->gen->cfg, vs->cfg, name)));
		json_object_object_add(v, "quorum",
				       json_object_new_int64(vs->quorum));
		json_object_object_add(v, "quorum_up",
				       json_object_new_boolean(vs->quorum_up));
		for (j = 0; j < vs->n_rss; j++) {
			if (only_down &&
			    (vs->rss[j]->up || listed >= STATUS_DOWN_MAX_RS))
				continue;
			json_object_array_add(rss, status_rs(vs->rss[j]));
			listed++;
		}
		json_object_object_add(v, "real_servers", rss);
		json_object_array_add(vss, v);
	}
	json_object_object_add(top, "virtual_servers", vss);
	out = strdup(
		json_object_to_json_string_ext(top, JSON_C_TO_STRING_PLAIN));
	json_object_put(top);
	return out;
}

static void status_send(struct chk_engine *e)
{
	const size_t max = IPC_MAX - sizeof(struct ipc_hdr);
	size_t n_rs = 0, i;
	char *s;

	for (i = 0; i < e->n_vss; i++)
		n_rs += e->vss[i]->n_rss;
	s = chk_status_json(e, n_rs > STATUS_FULL_MAX_RS);
	if (s && strlen(s) > max && n_rs <= STATUS_FULL_MAX_RS) {
		free(s);
		s = chk_status_json(e, true);
	}
	if (!s) {
		log_err("checker: out of memory rendering status");
		return;
	}
	if (strlen(s) <= max)
		chk_proc_send(e, IPC_STATUS_JSON, s, (uint32_t)strlen(s));
	else
		log_warn("checker: status too large to send (%zu bytes)",
			 strlen(s));
	free(s);
}

static void status_fire(struct ev_loop *l, void *arg)
{
	struct chk_engine *e = arg;

	(void)l;
	e->status_timer = NULL;
	if (!e->status_dirty)
		return;
	/* core is behind: a newer status replaces this one, later */
	if (chk_proc_backlog(e)) {
		e->status_timer = ev_timer_add(
			e->loop, ev_now_us() + STATUS_MIN_INTERVAL_US,
			status_fire, e);
		return;
	}
	e->status_dirty = false;
	e->status_sent_us = ev_now_us();
	status_send(e);
}

void chk_status_changed(struct chk_engine *e)
{
	uint64_t when;

	e->status_dirty = true;
	if (e->status_timer || e->ipc_fd < 0)
		return;
	when = e->status_sent_us + STATUS_MIN_INTERVAL_US;
	if (when < ev_now_us())
		when = ev_now_us();
	e->status_timer = ev_timer_add(e->loop, when, status_fire, e);
}

void chk_status_stop(struct chk_engine *e)
{
	ev_timer_cancel(e->loop, e->status_timer);
	e->status_timer = NULL;
}
