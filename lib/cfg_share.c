/*
 * cfg_share.c - real servers with identical checkers share one array.
 *
 * A director with thousands of real servers usually gives them all the same
 * checker block: every struct cfg_check of a virtual server is then the
 * same but for its file:line (connect_ip and connect_port left unset mean
 * "the real server's", resolved when a probe starts). One copy per run of
 * identical neighbours instead of one each saves ~300 B per real server in
 * every process that holds the model. Sharing happens as each real_server
 * block ends, so the copies are freed while the file is read and the peak
 * of a load does not grow with them either.
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cfg_int.h"

/* a field added to struct cfg_check must be compared below */
_Static_assert(sizeof(struct cfg_check) == 288,
	       "struct cfg_check changed: update check_same()");

static bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool cmd_same(const struct cfg_cmd *a, const struct cfg_cmd *b)
{
	return str_same(a->cmd, b->cmd) && str_same(a->user, b->user) &&
	       str_same(a->group, b->group);
}

static bool url_same(const struct cfg_url *a, const struct cfg_url *b)
{
	return str_same(a->path, b->path) && a->has_digest == b->has_digest &&
	       !strcmp(a->digest, b->digest) && a->n_status == b->n_status &&
	       (!a->n_status || !memcmp(a->status, b->status,
					a->n_status * sizeof(*a->status))) &&
	       str_same(a->virtualhost, b->virtualhost);
}

/* everything but the file:line */
static bool check_same(const struct cfg_check *a, const struct cfg_check *b)
{
	size_t i;

	if (a->type != b->type || !addr_eq(&a->connect_ip, &b->connect_ip) ||
	    a->connect_port != b->connect_port ||
	    !addr_eq(&a->bindto, &b->bindto) || a->bind_port != b->bind_port ||
	    strncmp(a->bind_if, b->bind_if, sizeof(a->bind_if)) ||
	    a->fwmark != b->fwmark ||
	    a->connect_timeout_us != b->connect_timeout_us ||
	    a->retry != b->retry ||
	    a->delay_before_retry_us != b->delay_before_retry_us ||
	    a->delay_loop_us != b->delay_loop_us ||
	    a->warmup_us != b->warmup_us || a->alpha != b->alpha ||
	    a->log_all_failures != b->log_all_failures)
		return false;
	if (a->n_urls != b->n_urls || a->http_protocol != b->http_protocol ||
	    !str_same(a->virtualhost, b->virtualhost) ||
	    a->fast_recovery != b->fast_recovery ||
	    a->enable_sni != b->enable_sni ||
	    !str_same(a->sni_name, b->sni_name))
		return false;
	for (i = 0; i < a->n_urls; i++)
		if (!url_same(&a->urls[i], &b->urls[i]))
			return false;
	return cmd_same(&a->misc_path, &b->misc_path) &&
	       a->misc_timeout_us == b->misc_timeout_us &&
	       a->misc_dynamic == b->misc_dynamic &&
	       str_same(a->helo_name, b->helo_name) &&
	       str_same(a->dns_type, b->dns_type) &&
	       str_same(a->dns_name, b->dns_name) &&
	       a->payload_len == b->payload_len &&
	       (!a->payload_len ||
		!memcmp(a->payload, b->payload, a->payload_len)) &&
	       a->require_reply == b->require_reply &&
	       str_same(a->reply_pattern, b->reply_pattern);
}

static bool checks_same(const struct cfg_rs *a, const struct cfg_rs *b)
{
	size_t i;

	if (a->n_checks != b->n_checks)
		return false;
	for (i = 0; i < a->n_checks; i++)
		if (!check_same(&a->checks[i], &b->checks[i]))
			return false;
	return true;
}

static bool timers_same(const struct cfg_chk_timers *a,
			const struct cfg_chk_timers *b)
{
	return a->connect_timeout_us == b->connect_timeout_us &&
	       a->delay_before_retry_us == b->delay_before_retry_us &&
	       a->warmup_us == b->warmup_us &&
	       a->delay_loop_us == b->delay_loop_us && a->retry == b->retry;
}

void cfg_share_last_rs(struct cfg_vs *vs)
{
	struct cfg_rs *rs, *prev;
	size_t k;

	if (vs->n_rss < 2)
		return;
	rs = &vs->rss[vs->n_rss - 1];
	prev = rs - 1;
	/* what inherit_check() takes from the real server must match too:
	 * then both resolve to the same effective values */
	if (!rs->n_checks ||
	    !timers_same(cfg_rs_timers(rs), cfg_rs_timers(prev)) ||
	    !str_same(cfg_rs_virtualhost(rs), cfg_rs_virtualhost(prev)) ||
	    rs->alpha != prev->alpha || !checks_same(prev, rs))
		return;
	for (k = 0; k < rs->n_checks; k++)
		cfg_check_free(&rs->checks[k]);
	free(rs->checks);
	rs->checks = prev->checks;
	rs->checks_shared = true;
}
