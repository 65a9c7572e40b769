/*
 * cfg_kw_track_proc.c - the top-level vrrp_track_process NAME { } block:
 * a process that instances follow by whether enough copies of it run.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

typedef struct cfg_proc_def P;

void *cfg_kw_track_proc(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			int argc, char **argv)
{
	struct cfg *c = x->c;
	P *p;

	(void)k;
	(void)obj;
	(void)argc;
	p = cfg_push(&c->track_procs, &c->n_track_procs, sizeof(*p));
	p->loc = x->loc;
	cfg_arg_name(x, "vrrp_track_process name", argv[0], p->name,
		     sizeof(p->name));
	p->weight = 1;
	p->quorum = UINT_MAX; /* unset: 1, or 0 with quorum_max 0 */
	p->quorum_max = UINT_MAX;
	return p;
}

/* "process NAME [PARAM ...]": a quoted word is one element */
static void *kw_process(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			int argc, char **argv)
{
	P *p = obj;
	int i;

	(void)k;
	cfg_strv_free(p->argv, p->argc);
	p->argv = cfg_xcalloc((size_t)argc, sizeof(*p->argv));
	for (i = 0; i < argc; i++)
		cfg_set_str(&p->argv[i], argv[i]);
	p->argc = (size_t)argc;
	if (!*argv[0])
		cfg_err(x, "empty process name");
	return NULL;
}

static void *kw_param_match(struct cfg_ctx *x, const struct cfg_kw *k,
			    void *obj, int argc, char **argv)
{
	P *p = obj;

	(void)k;
	(void)argc;
	if (!strcmp(argv[0], "partial"))
		p->param_match = CFG_PARAM_PARTIAL;
	else if (!strcmp(argv[0], "initial"))
		p->param_match = CFG_PARAM_INITIAL;
	else {
		cfg_err(x, "param_match '%s' is not initial or partial",
			argv[0]);
		return NULL;
	}
	p->param_match_set = true;
	return NULL;
}

static void *kw_weight(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		       int argc, char **argv)
{
	P *p = obj;

	(void)k;
	cfg_def_weight(x, argc, argv, 254, &p->weight, &p->weight_reverse);
	return NULL;
}

/* "delay SECS": fork_delay and terminate_delay */
static void *kw_delay(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		      int argc, char **argv)
{
	P *p = obj;

	(void)k;
	(void)argc;
	if (cfg_arg_time(x, "delay", argv[0], 3600000000ULL,
			 &p->fork_delay_us) == 0)
		p->terminate_delay_us = p->fork_delay_us;
	return NULL;
}

static void track_proc_end(struct cfg_ctx *x, void *obj)
{
	P *p = obj;

	if (!p->argc)
		cfg_msg_at(x, CFG_ERR, &p->loc,
			   "vrrp_track_process %s has no process", p->name);
	/* "quorum_max 0" alone means: fails while any copy runs */
	if (p->quorum == UINT_MAX)
		p->quorum = p->quorum_max ? 1 : 0;
	if (p->quorum > p->quorum_max)
		cfg_msg_at(x, CFG_ERR, &p->loc,
			   "vrrp_track_process %s: quorum %u exceeds "
			   "quorum_max %u",
			   p->name, p->quorum, p->quorum_max);
}

static const struct cfg_kw track_proc_kw[] = {
	CFG_KW("process", kw_process, 1, CFG_ARGS_ANY),
	CFG_KW("param_match", kw_param_match, 1, 1),
	CFG_KW("weight", kw_weight, 1, 2),
	CFG_UINT("quorum", P, quorum, 0, 65535),
	CFG_UINT("quorum_max", P, quorum_max, 0, 65535),
	CFG_TIME("fork_delay", P, fork_delay_us, 3600),
	CFG_TIME("terminate_delay", P, terminate_delay_us, 3600),
	CFG_KW("delay", kw_delay, 1, 1),
	CFG_FLAG("full_command", P, full_command),
};

const struct cfg_block cfg_blk_track_proc = {
	.name = "vrrp_track_process",
	.kw = track_proc_kw,
	.n_kw = CFG_NELEM(track_proc_kw),
	.end = track_proc_end,
};
