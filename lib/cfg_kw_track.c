/*
 * cfg_kw_track.c - vrrp_script { }, vrrp_sync_group { }, and the
 * track_interface / track_script / track_file lines shared by instances
 * and groups.
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

/* "NAME [weight N [reverse|noreverse]]"; weights as keepalived: +-@max
 * (253, or 254 for a track file) */
static int track_weight(struct cfg_ctx *x, int argc, char **argv, int max,
			bool *weighted, int *weight, bool *reverse)
{
	if (argc == 1)
		return 0;
	if (strcmp(argv[1], "weight") || argc < 3 || argc > 4) {
		cfg_err(x, "expected '%s [weight N [reverse]]'", argv[0]);
		return -1;
	}
	if (cfg_arg_int(x, "weight", argv[2], -max, max, weight) < 0)
		return -1;
	*weighted = true;
	if (argc == 4) {
		if (!strcmp(argv[3], "reverse")) {
			*reverse = true;
		} else if (strcmp(argv[3], "noreverse")) {
			cfg_err(x, "'%s' is not reverse or noreverse", argv[3]);
			return -1;
		}
	}
	return 0;
}

int cfg_track_if_parse(struct cfg_ctx *x, int argc, char **argv,
		       struct cfg_track_if *out)
{
	if (cfg_arg_name(x, "interface", argv[0], out->ifname, IFNAMSIZ) < 0)
		return -1;
	return track_weight(x, argc, argv, 253, &out->weighted, &out->weight,
			    &out->reverse);
}

int cfg_track_script_parse(struct cfg_ctx *x, int argc, char **argv,
			   struct cfg_track_script *out)
{
	out->loc = x->loc;
	if (cfg_arg_name(x, "vrrp_script name", argv[0], out->name,
			 sizeof(out->name)) < 0)
		return -1;
	return track_weight(x, argc, argv, 253, &out->weight_set, &out->weight,
			    &out->reverse);
}

int cfg_track_proc_parse(struct cfg_ctx *x, int argc, char **argv,
			 struct cfg_track_proc *out)
{
	out->loc = x->loc;
	if (cfg_arg_name(x, "vrrp_track_process name", argv[0], out->name,
			 sizeof(out->name)) < 0)
		return -1;
	return track_weight(x, argc, argv, 254, &out->weight_set, &out->weight,
			    &out->reverse);
}

int cfg_track_file_parse(struct cfg_ctx *x, int argc, char **argv,
			 struct cfg_track_file *out)
{
	out->loc = x->loc;
	if (cfg_arg_name(x, "track_file name", argv[0], out->name,
			 sizeof(out->name)) < 0)
		return -1;
	return track_weight(x, argc, argv, 254, &out->weight_set, &out->weight,
			    &out->reverse);
}

/* ---- vrrp_script ------------------------------------------------------- */

typedef struct cfg_script S;

int cfg_def_weight(struct cfg_ctx *x, int argc, char **argv, long max,
		   int *weight, bool *reverse)
{
	if (cfg_arg_int(x, "weight", argv[0], -max, max, weight) < 0)
		return -1;
	if (argc == 2) {
		if (!strcmp(argv[1], "reverse")) {
			*reverse = true;
		} else if (strcmp(argv[1], "noreverse")) {
			cfg_err(x, "'%s' is not reverse or noreverse", argv[1]);
			return -1;
		}
	}
	return 0;
}

static void *kw_script_weight(struct cfg_ctx *x, const struct cfg_kw *k,
			      void *obj, int argc, char **argv)
{
	S *s = obj;

	(void)k;
	cfg_def_weight(x, argc, argv, 253, &s->weight, &s->weight_reverse);
	return NULL;
}

static void script_end(struct cfg_ctx *x, void *obj)
{
	S *s = obj;

	if (!s->script.cmd)
		cfg_msg_at(x, CFG_ERR, &s->loc, "vrrp_script %s has no script",
			   s->name);
	if (s->timeout_us == CFG_UNSET_US)
		s->timeout_us = s->interval_us;
}

static const struct cfg_kw script_kw[] = {
	CFG_SCRIPT("script", S, script),
	CFG_TIME("interval", S, interval_us, 86400),
	CFG_TIME("timeout", S, timeout_us, 86400),
	CFG_KW("weight", kw_script_weight, 1, 2),
	CFG_UINT("rise", S, rise, 1, 1000000),
	CFG_UINT("fall", S, fall, 1, 1000000),
	CFG_USER("user", S, script),
	CFG_FLAG("init_fail", S, init_fail),
};

const struct cfg_block cfg_blk_script = {
	.name = "vrrp_script",
	.kw = script_kw,
	.n_kw = CFG_NELEM(script_kw),
	.end = script_end,
};

/* ---- vrrp_sync_group --------------------------------------------------- */

typedef struct cfg_sync_group SG;

static void add_member(struct cfg_ctx *x, SG *g, const char *name, bool bare)
{
	struct cfg_ref *r = cfg_push(&x->members, &x->n_members, sizeof(*r));

	r->loc = x->loc;
	r->owner = (size_t)(g - x->c->sync_groups);
	r->bare = bare;
	cfg_arg_name(x, "vrrp_instance name", name, r->name, sizeof(r->name));
}

static void member_item(struct cfg_ctx *x, void *obj, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		add_member(x, obj, argv[i], false);
}

/*
 * keepalived's samples list members without "group { }"; keepalived
 * ignores such lines with "Unknown keyword". cfg_validate decides: an
 * instance name becomes a member (with a warning), anything else is an
 * unknown keyword.
 */
static void bare_member(struct cfg_ctx *x, void *obj, int argc, char **argv)
{
	if (argc != 1) {
		cfg_unknown_kw(x, &cfg_blk_sync, argv[0]);
		return;
	}
	add_member(x, obj, argv[0], true);
}

static void sg_track_if_item(struct cfg_ctx *x, void *obj, int argc,
			     char **argv)
{
	SG *g = obj;
	struct cfg_track_if t = { 0 };

	if (cfg_track_if_parse(x, argc, argv, &t) == 0)
		*(struct cfg_track_if *)cfg_push(&g->track_ifs, &g->n_track_ifs,
						 sizeof(t)) = t;
}

static void sg_track_script_item(struct cfg_ctx *x, void *obj, int argc,
				 char **argv)
{
	SG *g = obj;
	struct cfg_track_script t = { 0 };

	if (cfg_track_script_parse(x, argc, argv, &t) == 0)
		*(struct cfg_track_script *)cfg_push(
			&g->track_scripts, &g->n_track_scripts, sizeof(t)) = t;
}

static void sg_track_file_item(struct cfg_ctx *x, void *obj, int argc,
			       char **argv)
{
	SG *g = obj;
	struct cfg_track_file t = { 0 };

	if (cfg_track_file_parse(x, argc, argv, &t) == 0)
		*(struct cfg_track_file *)cfg_push(
			&g->track_files, &g->n_track_files, sizeof(t)) = t;
}

static void sg_track_proc_item(struct cfg_ctx *x, void *obj, int argc,
			       char **argv)
{
	SG *g = obj;
	struct cfg_track_proc t = { 0 };

	if (cfg_track_proc_parse(x, argc, argv, &t) == 0)
		*(struct cfg_track_proc *)cfg_push(
			&g->track_procs, &g->n_track_procs, sizeof(t)) = t;
}

static const struct cfg_block blk_group = {
	.name = "group",
	.item = member_item,
};
static const struct cfg_block blk_sg_track_if = {
	.name = "track_interface",
	.item = sg_track_if_item,
};
static const struct cfg_block blk_sg_track_script = {
	.name = "track_script",
	.item = sg_track_script_item,
};

static const struct cfg_block blk_sg_track_file = {
	.name = "track_file",
	.item = sg_track_file_item,
};

static const struct cfg_block blk_sg_track_proc = {
	.name = "track_process",
	.item = sg_track_proc_item,
};

static const struct cfg_kw sync_kw[] = {
	CFG_BLK("group", cfg_h_self, 0, 0, &blk_group),
	CFG_CMD("notify_master", SG, notify_master),
	CFG_CMD("notify_backup", SG, notify_backup),
	CFG_CMD("notify_fault", SG, notify_fault),
	CFG_CMD("notify_stop", SG, notify_stop),
	CFG_CMD("notify", SG, notify),
	CFG_BLK("track_interface", cfg_h_self, 0, 0, &blk_sg_track_if),
	CFG_BLK("track_script", cfg_h_self, 0, 0, &blk_sg_track_script),
	CFG_IGNORED("smtp_alert"),
	CFG_IGNORED("notify_deleted"),
	CFG_IGNORED("notify_priority_changes"),
	CFG_BLK("track_file", cfg_h_self, 0, 0, &blk_sg_track_file),
	CFG_BLK("track_process", cfg_h_self, 0, 0, &blk_sg_track_proc),
	CFG_UNSUPPORTED("track_bfd"),
	CFG_UNSUPPORTED("sync_group_tracking_weight"),
	CFG_UNSUPPORTED("global_tracking"),
};

const struct cfg_block cfg_blk_sync = {
	.name = "vrrp_sync_group",
	.kw = sync_kw,
	.n_kw = CFG_NELEM(sync_kw),
	.unknown = bare_member,
};
