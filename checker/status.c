/* status.c - the checker's state as JSON for core (IPC_STATUS_JSON). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evloop.h"
#include "ipc.h"
#include "jw.h"
#include "log.h"
#include "checker/notify.h"
#include "checker/probe.h"
#include "checker/proc.h"
#include "checker/status.h"

#define STATUS_MIN_INTERVAL_US 1000000
/* above this many real servers the full object cannot fit one message
 * (about 450 bytes each): list only those that are down */
#define STATUS_FULL_MAX_RS 120
/* and at most this many down ones when truncated */
#define STATUS_DOWN_MAX_RS 100

/* milliseconds with microsecond precision, a JSON number ("1.250") */
static void status_ms(struct jw *w, const char *key, uint64_t us)
{
	char b[32];

	snprintf(b, sizeof(b), "%llu.%03u", (unsigned long long)(us / 1000),
		 (unsigned)(us % 1000));
	jw_raw(w, key, b);
}

static void status_check(struct jw *w, const struct chk *k)
{
	jw_obj_open(w, NULL);
	jw_str(w, "type", chk_type_name(k->cfg->type));
	jw_bool(w, "up", k->fsm.up);
	jw_int(w, "failures", k->fsm.fails);
	jw_int(w, "runs", (int64_t)k->runs);
	jw_int(w, "last_check", (int64_t)k->last_wall_ms);
	status_ms(w, "duration_ms", k->last_duration_us);
	jw_str(w, "reason", chk_reason(k));
	jw_str(w, "last_failure", chk_str(k->last_failure));
	jw_obj_close(w);
}

static void status_rs(struct jw *w, const struct chk_rs *rs)
{
	char name[CHK_NAME_MAX];
	const struct chk *last = NULL, *failing = NULL;
	unsigned fails = 0;
	const char *lastfail = "";
	size_t i;

	for (i = 0; i < rs->n_checks; i++) {
		const struct chk *k = chk_rs_check(rs, i);

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
	jw_obj_open(w, NULL);
	jw_int(w, "index", (int64_t)rs->idx);
	jw_str(w, "name", chk_fmt_rs(rs->vs->cfg, rs->cfg, name));
	jw_bool(w, "up", rs->up);
	jw_int(w, "weight", rs->weight >= 0 ? rs->weight : rs->cfg->weight);
	jw_int(w, "dynamic_weight", rs->weight);
	jw_str(w, "reason", rs->up ? "" : chk_str(rs->reason));
	jw_int(w, "since", (int64_t)rs->since_wall_ms);
	jw_str(w, "last_failure", lastfail);
	jw_int(w, "last_check", last ? (int64_t)last->last_wall_ms : 0);
	status_ms(w, "duration_ms", last ? last->last_duration_us : 0);
	jw_int(w, "failures", fails);
	jw_arr_open(w, "checks");
	for (i = 0; i < rs->n_checks; i++)
		status_check(w, chk_rs_check(rs, i));
	jw_arr_close(w);
	jw_obj_close(w);
}

char *chk_status_json(const struct chk_engine *e, bool only_down)
{
	struct jw w;
	char name[CHK_NAME_MAX];
	size_t i, j, n_rs = 0, n_down = 0, listed = 0;

	for (i = 0; i < e->n_vss; i++) {
		n_rs += e->vss[i]->n_rss;
		for (j = 0; j < e->vss[i]->n_rss; j++)
			n_down += !e->vss[i]->rss[j]->up;
	}
	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_int(&w, "generation", e->gen ? e->gen->generation : 0);
	jw_int(&w, "probes", (int64_t)e->probes_started);
	jw_int(&w, "probes_in_flight", (int64_t)e->slots_used);
	jw_int(&w, "probe_slots",
	       (int64_t)(e->slots_budget < CHK_SLOTS_MAX ? e->slots_budget :
							   CHK_SLOTS_MAX));
	jw_int(&w, "probes_waiting", (int64_t)e->waitq.live);
	jw_int(&w, "probes_deferred", (int64_t)e->slots_deferred);
	jw_int(&w, "tcp_sockets", (int64_t)e->pool_open);
	jw_int(&w, "tcp_source_addresses", (int64_t)chk_sock_pool_sources(e));
	jw_bool(&w, "truncated", only_down);
	jw_int(&w, "real_servers", (int64_t)n_rs);
	jw_int(&w, "real_servers_down", (int64_t)n_down);
	jw_arr_open(&w, "virtual_servers");
	for (i = 0; i < e->n_vss; i++) {
		const struct chk_vs *vs = e->vss[i];

		jw_obj_open(&w, NULL);
		jw_int(&w, "index", (int64_t)vs->idx);
		jw_str(&w, "name", chk_fmt_vs(e->gen->cfg, vs->cfg, name));
		jw_int(&w, "quorum", vs->quorum);
		jw_bool(&w, "quorum_up", vs->quorum_up);
		jw_arr_open(&w, "real_servers");
		for (j = 0; j < vs->n_rss; j++) {
			if (only_down &&
			    (vs->rss[j]->up || listed >= STATUS_DOWN_MAX_RS))
				continue;
			status_rs(&w, vs->rss[j]);
			listed++;
		}
		jw_arr_close(&w);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_obj_close(&w);
	return jw_finish(&w, NULL);
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
