/*
 * cfg_kw_track.c - vrrp_script { }, vrrp_sync_group { }, and the
 * track_interface / track_script / track_file / track_process blocks shared
 * by instances and groups.
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

/* "NAME [weight N [reverse|noreverse]]"; weights as keepalived: +-@max
 * (253, or 254 for a track file or process) */
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

/* ---- track_interface { } ... track_process { } ------------------------ */

/* One set of blocks for instances and sync groups: CFG_SUB hands them the
 * struct cfg_trackers inside either, so the lines read the same in both. */

static void trk_if_item(struct cfg_ctx *x, void *obj, int argc, char **argv)
{
	struct cfg_trackers *trk = obj;
	struct cfg_track_if t = { 0 };

	if (cfg_arg_name(x, "interface", argv[0], t.ifname, IFNAMSIZ) == 0 &&
	    track_weight(x, argc, argv, 253, &t.weighted, &t.weight,
			 &t.reverse) == 0)
		*(struct cfg_track_if *)cfg_push(&trk->ifs, &trk->n_ifs,
						 sizeof(t)) = t;
}

/* a track_script / track_file / track_process line, appended to @arr:
 * the name (@what in messages) of a definition, and a weight up to +-@max */
static void trk_ref_item(struct cfg_ctx *x, struct cfg_track_ref **arr,
			 size_t *n, const char *what, int max, int argc,
			 char **argv)
{
	struct cfg_track_ref t = { .loc = x->loc };

	if (cfg_arg_name(x, what, argv[0], t.name, sizeof(t.name)) == 0 &&
	    track_weight(x, argc, argv, max, &t.weight_set, &t.weight,
			 &t.reverse) == 0)
		*(struct cfg_track_ref *)cfg_push(arr, n, sizeof(t)) = t;
}

static void trk_script_item(struct cfg_ctx *x, void *obj, int argc, char **argv)
{
	struct cfg_trackers *trk = obj;

	trk_ref_item(x, &trk->scripts, &trk->n_scripts, "vrrp_script name", 253,
		     argc, argv);
}

static void trk_file_item(struct cfg_ctx *x, void *obj, int argc, char **argv)
{
	struct cfg_trackers *trk = obj;

	trk_ref_item(x, &trk->files, &trk->n_files, "track_file name", 254,
		     argc, argv);
}

static void trk_proc_item(struct cfg_ctx *x, void *obj, int argc, char **argv)
{
	struct cfg_trackers *trk = obj;

	trk_ref_item(x, &trk->procs, &trk->n_procs, "vrrp_track_process name",
		     254, argc, argv);
}

const struct cfg_block cfg_blk_trk_if = {
	.name = "track_interface",
	.item = trk_if_item,
};

const struct cfg_block cfg_blk_trk_script = {
	.name = "track_script",
	.item = trk_script_item,
};

const struct cfg_block cfg_blk_trk_file = {
	.name = "track_file",
	.item = trk_file_item,
};

const struct cfg_block cfg_blk_trk_proc = {
	.name = "track_process",
	.item = trk_proc_item,
};

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

static const struct cfg_block blk_group = {
	.name = "group",
	.item = member_item,
};

static const struct cfg_kw sync_kw[] = {
	CFG_BLK("group", cfg_h_self, 0, 0, &blk_group),
	CFG_CMD("notify_master", SG, notify_master),
	CFG_CMD("notify_backup", SG, notify_backup),
	CFG_CMD("notify_fault", SG, notify_fault),
	CFG_CMD("notify_stop", SG, notify_stop),
	CFG_CMD("notify", SG, notify),
	CFG_SUB("track_interface", SG, trk, &cfg_blk_trk_if),
	CFG_SUB("track_script", SG, trk, &cfg_blk_trk_script),
	CFG_IGNORED("smtp_alert"),
	CFG_IGNORED("notify_deleted"),
	CFG_IGNORED("notify_priority_changes"),
	CFG_SUB("track_file", SG, trk, &cfg_blk_trk_file),
	CFG_SUB("track_process", SG, trk, &cfg_blk_trk_proc),
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
