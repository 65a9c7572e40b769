/*
 * cfg_parse.c - the block structure: statements, { } nesting, dispatch
 * through the keyword tables, argument counts, unknown keywords with a
 * hint, and cfg_load() which ties lexer, parser and validation together.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_int.h"

enum stmt_end { END_LINE, END_OPEN, END_CLOSE };

/* Words up to the end of a line or to a brace. */
struct stmt {
	int argc;
	char **argv;
	enum stmt_end end;
	struct cfg_loc loc;
};

struct pstate {
	struct cfg_ctx *x;
	struct cfg_lex *lx;
	struct cfg_line ln;
	int pos; /* next word of ln; ln.ntok when used up */
};

static bool is_brace(const struct pstate *ps, int i, char c)
{
	return !ps->ln.quoted[i] && ps->ln.tok[i][0] == c && !ps->ln.tok[i][1];
}

static bool fill(struct pstate *ps)
{
	while (ps->pos >= ps->ln.ntok) {
		if (!cfg_lex_next(ps->lx, &ps->ln))
			return false;
		ps->pos = 0;
	}
	return true;
}

static bool next_stmt(struct pstate *ps, struct stmt *st)
{
	int i;

	if (!fill(ps))
		return false;
	st->argv = ps->ln.tok + ps->pos;
	st->loc.file = ps->ln.file;
	st->loc.line = ps->ln.line;
	st->end = END_LINE;
	for (i = ps->pos; i < ps->ln.ntok; i++) {
		if (is_brace(ps, i, '{')) {
			st->end = END_OPEN;
			break;
		}
		if (is_brace(ps, i, '}')) {
			st->end = END_CLOSE;
			break;
		}
	}
	st->argc = i - ps->pos;
	ps->pos = i < ps->ln.ntok ? i + 1 : i;
	ps->x->loc = st->loc;
	return true;
}

/* Does a '{' follow the statement (on its line or alone on the next)? */
static bool open_follows(struct pstate *ps, const struct stmt *st)
{
	if (st->end == END_OPEN)
		return true;
	if (st->end == END_CLOSE || !fill(ps))
		return false;
	if (ps->pos == 0 && is_brace(ps, 0, '{')) {
		ps->pos = 1;
		return true;
	}
	return false;
}

/* Skip the body of a block whose '{' was just read. */
static void skip_block(struct pstate *ps, const struct cfg_loc *open)
{
	int depth = 1;

	while (depth > 0) {
		if (!fill(ps)) {
			cfg_msg_at(ps->x, CFG_ERR, open,
				   "unterminated block (missing '}')");
			return;
		}
		if (is_brace(ps, ps->pos, '{'))
			depth++;
		else if (is_brace(ps, ps->pos, '}'))
			depth--;
		ps->pos++;
	}
}

static const struct cfg_kw *find_kw(const struct cfg_block *b, const char *name)
{
	for (; b; b = b->also) {
		size_t i;

		for (i = 0; i < b->n_kw; i++)
			if (b->kw[i].name[0] == name[0] &&
			    !strcmp(b->kw[i].name, name))
				return &b->kw[i];
	}
	return NULL;
}

/* find_kw through the context's memo of recent hits */
static const struct cfg_kw *
lookup_kw(struct cfg_ctx *x, const struct cfg_block *b, const char *name)
{
	struct cfg_kw_memo *m;
	uint64_t h = (uintptr_t)b;
	const char *p;

	for (p = name; *p; p++)
		h = h * 31 + (unsigned char)*p;
	/* Fibonacci hashing: the top bits mix every bit of h */
	m = &x->kw_memo[(h * 0x9e3779b97f4a7c15u) >> (64 - CFG_KW_MEMO_BITS)];
	if (m->b == b && !strcmp(m->k->name, name))
		return m->k;
	m->k = find_kw(b, name);
	m->b = m->k ? b : NULL;
	return m->k;
}

static const char *where(const struct cfg_block *b)
{
	return b == &cfg_blk_root ? "at the top level" : b->name;
}

/* "unknown keyword" with the nearest keyword, or where it belongs. */
void cfg_unknown_kw(struct cfg_ctx *x, const struct cfg_block *b,
		    const char *name)
{
	const char *best = NULL, *in = b == &cfg_blk_root ? "" : "in ";
	const struct cfg_block *t;
	unsigned bestd = 100, len = strlen(name);
	size_t i;

	for (i = 0; i < cfg_n_all_blocks; i++) {
		const struct cfg_kw *k = find_kw(cfg_all_blocks[i], name);

		if (k && cfg_all_blocks[i] != b && k->fn != cfg_kw_ignored &&
		    k->fn != cfg_kw_unsupported) {
			cfg_err(x,
				"keyword '%s' is not valid %s%s (it belongs "
				"in %s)",
				name, in, where(b), where(cfg_all_blocks[i]));
			return;
		}
	}
	for (t = b; t; t = t->also) {
		for (i = 0; i < t->n_kw; i++) {
			unsigned d = cfg_edit_distance(name, t->kw[i].name);

			if (d < bestd) {
				bestd = d;
				best = t->kw[i].name;
			}
		}
	}
	if (best && (bestd <= 2 || bestd * 3 <= len))
		cfg_err(x, "unknown keyword '%s' %s%s (did you mean '%s'?)",
			name, in, where(b), best);
	else
		cfg_err(x, "unknown keyword '%s' %s%s", name, in, where(b));
}

static bool check_argc(struct cfg_ctx *x, const struct cfg_kw *k, int n)
{
	if (n >= k->min && (k->max == CFG_ARGS_ANY || n <= k->max))
		return true;
	if (k->min == k->max)
		cfg_err(x, "'%s' takes %d argument%s, not %d", k->name, k->min,
			k->min == 1 ? "" : "s", n);
	else if (k->max == CFG_ARGS_ANY)
		cfg_err(x, "'%s' takes at least %d argument%s", k->name, k->min,
			k->min == 1 ? "" : "s");
	else
		cfg_err(x, "'%s' takes %d to %d arguments, not %d", k->name,
			k->min, k->max, n);
	return false;
}

static void parse_block(struct pstate *ps, const struct cfg_block *b, void *obj,
			const struct cfg_loc *open);

static void statement(struct pstate *ps, const struct cfg_block *b, void *obj,
		      struct stmt *st)
{
	struct cfg_ctx *x = ps->x;
	const struct cfg_kw *k;
	void *child;
	bool opened;

	if (b->item) {
		b->item(x, obj, st->argc, st->argv);
		if (st->end == END_OPEN) {
			cfg_err(x, "unexpected '{' in %s", b->name);
			skip_block(ps, &st->loc);
		}
		return;
	}
	k = lookup_kw(x, b, st->argv[0]);
	if (!k && b->unknown && st->end != END_OPEN) {
		b->unknown(x, obj, st->argc, st->argv);
		return;
	}
	if (!k || !check_argc(x, k, st->argc - 1)) {
		if (!k)
			cfg_unknown_kw(x, b, st->argv[0]);
		if (open_follows(ps, st))
			skip_block(ps, &st->loc);
		return;
	}
	child = k->fn(x, k, obj, st->argc - 1, st->argv + 1);
	opened = open_follows(ps, st);
	if (!k->sub) {
		if (opened) {
			if (k->fn != cfg_kw_ignored &&
			    k->fn != cfg_kw_unsupported)
				cfg_msg_at(x, CFG_ERR, &st->loc,
					   "'%s' does not take a { } block",
					   k->name);
			skip_block(ps, &st->loc);
		}
		return;
	}
	if (!opened) {
		if (child)
			cfg_msg_at(x, CFG_ERR, &st->loc,
				   "'%s' needs a { } block", k->name);
		return;
	}
	if (!child) {
		skip_block(ps, &st->loc);
		return;
	}
	parse_block(ps, k->sub, child, &st->loc);
	if (k->sub->end) {
		x->loc = st->loc;
		k->sub->end(x, child);
	}
}

static void parse_block(struct pstate *ps, const struct cfg_block *b, void *obj,
			const struct cfg_loc *open)
{
	struct cfg_ctx *x = ps->x;
	struct stmt st;

	while (next_stmt(ps, &st)) {
		if (st.argc > 0)
			statement(ps, b, obj, &st);
		if (st.end == END_OPEN && st.argc == 0) {
			cfg_err(x, "unexpected '{'");
			skip_block(ps, &st.loc);
		} else if (st.end == END_CLOSE) {
			if (open)
				return;
			cfg_err(x, "unexpected '}' at the top level");
		}
	}
	if (open)
		cfg_msg_at(x, CFG_ERR, open,
			   "unterminated block '%s' (missing '}')", b->name);
}

void cfg_parse(struct cfg_ctx *x, struct cfg_lex *lx)
{
	struct pstate ps = { .x = x, .lx = lx };

	parse_block(&ps, &cfg_blk_root, x->c, NULL);
}

static void short_hostname(char *buf, size_t len)
{
	if (gethostname(buf, len) < 0)
		buf[0] = '\0';
	buf[len - 1] = '\0';
	buf[strcspn(buf, ".")] = '\0';
}

static void global_defaults(struct cfg_global *g)
{
	g->vrrp_version = 2;
	g->vrrp_garp_master_delay_us = 5000000;
	g->vrrp_garp_master_repeat = 5;
	g->vrrp_garp_master_refresh_repeat = 1;
	g->vrrp_garp_lower_prio_delay_us = CFG_UNSET_US;
	g->vrrp_garp_lower_prio_repeat = CFG_UNSET_U;
	g->vrrp_down_timer_adverts = 3;
	addr_parse("224.0.0.18", &g->vrrp_mcast_group4);
	addr_parse("ff02::12", &g->vrrp_mcast_group6);
}

struct cfg *cfg_load(const char *path, const struct cfg_opts *opts,
		     struct cfg_diag *diag)
{
	struct cfg_ctx x = { 0 };
	struct cfg_lex *lx;
	char host[256];

	memset(diag, 0, sizeof(*diag));
	x.diag = diag;
	if (opts) {
		x.record = opts->record;
		x.replay = opts->replay;
	}
	x.c = cfg_xcalloc(1, sizeof(*x.c));
	x.c->path = cfg_xstrdup(path);
	global_defaults(&x.c->global);
	if (opts && opts->config_id)
		snprintf(host, sizeof(host), "%s", opts->config_id);
	else
		short_hostname(host, sizeof(host));
	lx = cfg_lex_open(&x, path, host);
	if (lx) {
		cfg_parse(&x, lx);
		cfg_lex_close(lx);
		cfg_validate(&x);
	}
	free(x.vx);
	free(x.members);
	free(x.vs_groups);
	free(x.hosts);
	if (diag->n_errors) {
		cfg_free(x.c);
		return NULL;
	}
	return x.c;
}

int cfg_find_vrrp(const struct cfg *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n_vrrps; i++)
		if (!strcmp(c->vrrps[i].name, name))
			return (int)i;
	return -1;
}
