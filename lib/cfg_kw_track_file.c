/*
 * cfg_kw_track_file.c - the top-level track_file NAME { } block (and its
 * deprecated synonym vrrp_track_file): a file whose number, times a
 * weight, moves the priority of the instances that track it.
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

typedef struct cfg_file_def F;

void *cfg_kw_track_file(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			int argc, char **argv)
{
	struct cfg *c = x->c;
	F *f;

	(void)k;
	(void)obj;
	(void)argc;
	f = cfg_push(&c->track_files, &c->n_track_files, sizeof(*f));
	f->loc = x->loc;
	cfg_arg_name(x, "track_file name", argv[0], f->name, sizeof(f->name));
	f->weight = 1;
	return f;
}

/* "weight N [reverse|noreverse]": any int but INT_MIN, as keepalived */
static void *kw_weight(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		       int argc, char **argv)
{
	F *f = obj;

	(void)k;
	cfg_def_weight(x, argc, argv, 2147483647L, &f->weight,
		       &f->weight_reverse);
	return NULL;
}

/* "init_file [VALUE] [overwrite]" */
static void *kw_init_file(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			  int argc, char **argv)
{
	F *f = obj;
	int i = 0;

	(void)k;
	f->init = true;
	if (i < argc && strcmp(argv[i], "overwrite")) {
		if (cfg_arg_int(x, "init_file value", argv[i], -2147483647L - 1,
				2147483647L, &f->init_value) < 0)
			return NULL;
		i++;
	}
	if (i < argc) {
		if (strcmp(argv[i], "overwrite")) {
			cfg_err(x, "expected 'init_file [VALUE] [overwrite]'");
			return NULL;
		}
		f->init_overwrite = true;
		i++;
	}
	if (i < argc)
		cfg_err(x, "expected 'init_file [VALUE] [overwrite]'");
	return NULL;
}

static void track_file_end(struct cfg_ctx *x, void *obj)
{
	F *f = obj;

	if (!f->path || !*f->path)
		cfg_msg_at(x, CFG_ERR, &f->loc, "track_file %s has no file",
			   f->name);
	else if (f->path[0] != '/')
		cfg_msg_at(x, CFG_ERR, &f->loc,
			   "track_file %s: file '%s' is not an absolute path",
			   f->name, f->path);
}

static const struct cfg_kw track_file_kw[] = {
	CFG_STR("file", F, path),
	CFG_KW("weight", kw_weight, 1, 2),
	CFG_KW("init_file", kw_init_file, 0, 2),
};

const struct cfg_block cfg_blk_track_file = {
	.name = "track_file",
	.kw = track_file_kw,
	.n_kw = CFG_NELEM(track_file_kw),
	.end = track_file_end,
};
