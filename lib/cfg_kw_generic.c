/* cfg_kw_generic.c - table-driven handlers shared by every block. */
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

#define FIELD(obj, k, T) ((T *)((char *)(obj) + (k)->off))

void *cfg_kw_ignored(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		     int argc, char **argv)
{
	cfg_warn(x, "'%s' is ignored by directord", k->name);
	return NULL;
}

void *cfg_kw_unsupported(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			 int argc, char **argv)
{
	cfg_err(x, "'%s' is not supported by directord yet", k->name);
	return NULL;
}

void *cfg_h_self(struct cfg_ctx *x, const struct cfg_kw *k, void *obj, int argc,
		 char **argv)
{
	return obj;
}

void *cfg_h_member(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		   int argc, char **argv)
{
	return (char *)obj + k->off;
}

void *cfg_h_time(struct cfg_ctx *x, const struct cfg_kw *k, void *obj, int argc,
		 char **argv)
{
	cfg_arg_time(x, k->name, argv[0], (uint64_t)k->hi,
		     FIELD(obj, k, uint64_t));
	return NULL;
}

void *cfg_h_uint(struct cfg_ctx *x, const struct cfg_kw *k, void *obj, int argc,
		 char **argv)
{
	cfg_arg_uint(x, k->name, argv[0], (unsigned long)k->lo,
		     (unsigned long)k->hi, FIELD(obj, k, unsigned));
	return NULL;
}

void *cfg_h_flag(struct cfg_ctx *x, const struct cfg_kw *k, void *obj, int argc,
		 char **argv)
{
	cfg_arg_optbool(x, k->name, argc, argv, FIELD(obj, k, bool));
	return NULL;
}

void *cfg_h_str(struct cfg_ctx *x, const struct cfg_kw *k, void *obj, int argc,
		char **argv)
{
	cfg_set_str(FIELD(obj, k, char *), argv[0]);
	return NULL;
}

void *cfg_h_cmd(struct cfg_ctx *x, const struct cfg_kw *k, void *obj, int argc,
		char **argv)
{
	cfg_arg_cmd(x, argc, argv, FIELD(obj, k, struct cfg_cmd));
	return NULL;
}

void *cfg_h_user(struct cfg_ctx *x, const struct cfg_kw *k, void *obj, int argc,
		 char **argv)
{
	struct cfg_cmd *cmd = FIELD(obj, k, struct cfg_cmd);

	cfg_set_str(&cmd->user, argv[0]);
	free(cmd->group);
	cmd->group = argc > 1 ? cfg_xstrdup(argv[1]) : NULL;
	return NULL;
}

void *cfg_h_script(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		   int argc, char **argv)
{
	struct cfg_cmd *cmd = FIELD(obj, k, struct cfg_cmd);
	size_t len = 0;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = cfg_xcalloc(1, len);
	for (i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	if (!*s)
		cfg_err(x, "empty command");
	free(cmd->cmd);
	cmd->cmd = s;
	return NULL;
}
