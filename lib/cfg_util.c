/* cfg_util.c - memory and string helpers of the loader. */
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

/*
 * Arrays grow by doubling; the capacity is implied by the count (the next
 * power of two), so the public structures need no capacity fields.
 */
void *cfg_push(void *arr, size_t *n, size_t size)
{
	char **p = arr;
	char *e;

	if ((*n & (*n - 1)) == 0) { /* 0, 1, 2, 4, ...: full */
		size_t cap = *n ? *n * 2 : 1;
		char *q = realloc(*p, cap * size);

		if (!q)
			abort();
		*p = q;
	}
	e = *p + *n * size;
	memset(e, 0, size);
	(*n)++;
	return e;
}

void *cfg_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		abort();
	return p;
}

char *cfg_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

void cfg_set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = cfg_xstrdup(s);
}

void cfg_strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

unsigned cfg_edit_distance(const char *a, const char *b)
{
	unsigned row[101], i, j, la = strlen(a), lb = strlen(b);

	if (la > 100 || lb > 100)
		return 100;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		unsigned diag = row[0], tmp;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			unsigned best = diag + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			diag = tmp;
		}
	}
	return row[lb];
}

void cfg_cmd_free(struct cfg_cmd *cmd)
{
	free(cmd->cmd);
	free(cmd->user);
	free(cmd->group);
	memset(cmd, 0, sizeof(*cmd));
}

const struct cfg_chk_timers *cfg_rs_timers(const struct cfg_rs *rs)
{
	static const struct cfg_chk_timers unset = {
		.connect_timeout_us = CFG_UNSET_US,
		.delay_before_retry_us = CFG_UNSET_US,
		.warmup_us = CFG_UNSET_US,
		.delay_loop_us = CFG_UNSET_US,
		.retry = CFG_UNSET_U,
	};

	return rs->ext ? &rs->ext->timers : &unset;
}

const struct cfg_cmd *cfg_rs_notify(const struct cfg_rs *rs, bool up)
{
	static const struct cfg_cmd none;

	if (!rs->ext)
		return &none;
	return up ? &rs->ext->notify_up : &rs->ext->notify_down;
}

const char *cfg_rs_virtualhost(const struct cfg_rs *rs)
{
	return rs->ext ? rs->ext->virtualhost : NULL;
}

bool cfg_vs_same(const struct cfg *a, const struct cfg_vs *va,
		 const struct cfg *b, const struct cfg_vs *vb)
{
	if (va->kind != vb->kind || va->family != vb->family ||
	    va->protocol != vb->protocol)
		return false;
	switch (va->kind) {
	case CFG_VS_ADDR:
		return addr_eq(&va->addr, &vb->addr) && va->port == vb->port;
	case CFG_VS_FWMARK:
		return va->fwmark == vb->fwmark;
	case CFG_VS_GROUP:
		return va->group < a->n_groups && vb->group < b->n_groups &&
		       !strcmp(a->groups[va->group].name,
			       b->groups[vb->group].name);
	}
	return false;
}
