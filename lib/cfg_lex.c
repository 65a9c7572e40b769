/*
 * cfg_lex.c - keepalived's file syntax below the block level: files and
 * includes, conditional "@ID" lines, "$NAME=value" definitions and their
 * expansion, comments, quoted strings, and splitting into words. The parser
 * pulls one logical line at a time, so memory stays bounded by the longest
 * line plus the files being read, not by the size of the configuration.
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cfg_int.h"
#include "cfg_snap.h"

#define LEX_MAX_DEPTH 32 /* include nesting */
#define LEX_MAX_EXPAND 32 /* nested $NAME expansions (catches loops) */
#define LEX_MAX_FILE (64u << 20)

/* A file to read: pending ones wait on the stack with no buffer yet. */
struct lex_file {
	const char *name; /* interned in cfg->files */
	char *buf;
	bool borrowed; /* buf is a consumed snapshot's (not ours to free) */
	size_t len, pos;
	int line;
	int level; /* include depth */
	struct cfg_loc from; /* the include line (level > 0) */
};

struct lex_def {
	char *name;
	char *value;
};

struct lex_buf {
	char *s;
	size_t len, cap;
};

struct cfg_lex {
	struct cfg_ctx *x;
	char config_id[256];
	struct lex_file *stack;
	size_t n_stack;
	struct lex_def *defs;
	size_t n_defs;
	struct lex_buf raw; /* the physical line(s) */
	int raw_line; /* where raw starts */
	struct lex_buf exp; /* after $NAME expansion */
	/* the logical line being split: inside the file buffer when it
	 * needed no joining or expansion (no copy), else inside exp; it may
	 * hold several lines (a multi-line value), ln_pos is the next one */
	char *ln;
	size_t ln_len, ln_pos;
	const char *exp_file;
	int exp_line;
	struct lex_buf words; /* NUL-separated words of the current line */
	char **tok;
	unsigned char *quoted;
	size_t tok_cap;
};

/* room for @n more bytes and a NUL in @b */
static void buf_reserve(struct lex_buf *b, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->s, cap);
		if (!p)
			abort();
		b->s = p;
		b->cap = cap;
	}
}

static void buf_add(struct lex_buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static const char *intern_file(struct cfg *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->n_files; i++)
		if (!strcmp(c->files[i], path))
			return c->files[i];
	*(char **)cfg_push(&c->files, &c->n_files, sizeof(char *)) =
		cfg_xstrdup(path);
	return c->files[c->n_files - 1];
}

static void push_file(struct cfg_lex *lx, const char *path, int level,
		      const struct cfg_loc *from)
{
	struct lex_file *f;

	f = cfg_push(&lx->stack, &lx->n_stack, sizeof(*f));
	f->name = intern_file(lx->x->c, path);
	f->level = level;
	if (from)
		f->from = *from;
}

/* Let go of a file's bytes: ours are freed, a snapshot's stay with it. */
static void file_release(struct lex_file *f)
{
	if (!f->borrowed)
		free(f->buf);
	f->buf = NULL;
}

/* Take the file from the snapshot being replayed. */
static int replay_file(struct cfg_lex *lx, struct lex_file *f)
{
	struct cfg_snap_ent *e = cfg_snap_take(lx->x->replay, f->name);

	if (!e) {
		cfg_msg_at(lx->x, CFG_ERR, f->level ? &f->from : NULL,
			   "cannot open %s%s: not in the validated snapshot",
			   f->level ? "include file " : "", f->name);
		return -1;
	}
	f->len = e->len;
	if (lx->x->replay->consume) {
		f->buf = e->data;
		f->borrowed = true;
		return 0;
	}
	f->buf = malloc(e->len + 1);
	if (!f->buf)
		abort();
	memcpy(f->buf, e->data, e->len + 1); /* data is NUL-terminated */
	return 0;
}

/* Read the whole file; errors are reported at the include line. */
static int load_file(struct cfg_lex *lx, struct lex_file *f)
{
	struct cfg_loc *at = f->level ? &f->from : NULL;
	struct stat st;
	FILE *fp;
	size_t n;

	if (lx->x->replay)
		return replay_file(lx, f);
	fp = fopen(f->name, "r");
	if (!fp) {
		cfg_msg_at(lx->x, CFG_ERR, at, "cannot open %s%s: %s",
			   f->level ? "include file " : "", f->name,
			   strerror(errno));
		return -1;
	}
	if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > LEX_MAX_FILE) {
		cfg_msg_at(lx->x, CFG_ERR, at,
			   "cannot read %s: not a regular file of at most %u "
			   "bytes",
			   f->name, LEX_MAX_FILE);
		fclose(fp);
		return -1;
	}
	f->buf = malloc((size_t)st.st_size + 1);
	if (!f->buf)
		abort();
	n = fread(f->buf, 1, (size_t)st.st_size, fp);
	if (ferror(fp)) {
		cfg_msg_at(lx->x, CFG_ERR, at, "cannot read %s: %s", f->name,
			   strerror(errno));
		fclose(fp);
		return -1;
	}
	fclose(fp);
	f->buf[n] = '\0';
	f->len = n;
	if (lx->x->record)
		cfg_snap_add(lx->x->record, CFG_SNAP_FILE, f->name, f->buf, n);
	return 0;
}

/* Push the recorded matches of @path in reverse, so the first is read
 * first; an unrecorded pattern matched nothing when core read it. */
static void replay_glob(struct cfg_lex *lx, const char *path, int level,
			const struct cfg_loc *loc, const char *pattern)
{
	const struct cfg_snap_ent *e =
		cfg_snap_find(lx->x->replay, CFG_SNAP_GLOB, path);
	const char **v = NULL, *p;
	size_t n = 0;

	if (!e || !e->len) {
		cfg_msg_at(lx->x, CFG_WARN, loc, "include '%s' matches no file",
			   pattern);
		return;
	}
	for (p = e->data; p < e->data + e->len; p += strlen(p) + 1)
		*(const char **)cfg_push(&v, &n, sizeof(*v)) = p;
	while (n-- > 0)
		push_file(lx, v[n], level, loc);
	free(v);
}

/* Record the matches of @path, NUL-ended, in glob's sorted order. */
static void record_glob(struct cfg_lex *lx, const char *path, const glob_t *g)
{
	struct lex_buf b = { 0 };
	size_t i;

	for (i = 0; g && i < g->gl_pathc; i++)
		buf_add(&b, g->gl_pathv[i], strlen(g->gl_pathv[i]) + 1);
	cfg_snap_add(lx->x->record, CFG_SNAP_GLOB, path, b.s ? b.s : "", b.len);
	free(b.s);
}

static bool has_glob_chars(const char *s)
{
	return strpbrk(s, "*?[{") != NULL;
}

/* "include GLOB": relative to the including file, sorted, pushed so that
 * the first match is read first. */
static void do_include(struct cfg_lex *lx, const char *pattern,
		       const struct lex_file *from)
{
	/* push_file() moves the stack: copy what we need from @from */
	struct cfg_loc loc = { from->name, from->line };
	int level = from->level;
	char path[PATH_MAX];
	glob_t g;
	size_t i;
	int rc;

	if (pattern[0] == '/') {
		snprintf(path, sizeof(path), "%s", pattern);
	} else {
		const char *slash = strrchr(from->name, '/');
		int dirlen = slash ? (int)(slash - from->name) : 1;

		snprintf(path, sizeof(path), "%.*s/%s", dirlen,
			 slash ? from->name : ".", pattern);
	}
	if (level + 1 >= LEX_MAX_DEPTH) {
		cfg_msg_at(lx->x, CFG_ERR, &loc,
			   "includes nested more than %d deep (a loop?)",
			   LEX_MAX_DEPTH);
		return;
	}
	if (!has_glob_chars(pattern)) {
		push_file(lx, path, level + 1, &loc);
		return;
	}
	if (lx->x->replay) {
		replay_glob(lx, path, level + 1, &loc, pattern);
		return;
	}
	rc = glob(path, GLOB_BRACE, NULL, &g);
	if (lx->x->record && (rc == 0 || rc == GLOB_NOMATCH))
		record_glob(lx, path, rc == 0 ? &g : NULL);
	if (rc == GLOB_NOMATCH) {
		cfg_msg_at(lx->x, CFG_WARN, &loc,
			   "include '%s' matches no file", pattern);
		return;
	}
	if (rc) {
		cfg_msg_at(lx->x, CFG_ERR, &loc, "cannot expand include '%s'",
			   pattern);
		globfree(&g);
		return;
	}
	for (i = g.gl_pathc; i-- > 0;)
		push_file(lx, g.gl_pathv[i], level + 1, &loc);
	globfree(&g);
}

/* ---- definitions ------------------------------------------------------- */

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static const struct lex_def *find_def(struct cfg_lex *lx, const char *name,
				      size_t n)
{
	size_t i;

	for (i = 0; i < lx->n_defs; i++)
		if (strlen(lx->defs[i].name) == n &&
		    !memcmp(lx->defs[i].name, name, n))
			return &lx->defs[i];
	return NULL;
}

/* "$NAME=value": a later definition replaces an earlier one. */
static bool try_define(struct cfg_lex *lx, const char *s)
{
	const char *p = s + 1, *eq;
	struct lex_def *d;
	size_t n, vlen;

	while (name_char(*p))
		p++;
	if (p == s + 1 || *p != '=')
		return false;
	eq = p;
	n = (size_t)(eq - s - 1);
	vlen = strlen(eq + 1);
	while (vlen && (eq[vlen] == ' ' || eq[vlen] == '\t'))
		vlen--;
	d = (struct lex_def *)find_def(lx, s + 1, n);
	if (!d) {
		d = cfg_push(&lx->defs, &lx->n_defs, sizeof(*d));
		d->name = cfg_xcalloc(1, n + 1);
		memcpy(d->name, s + 1, n);
	}
	free(d->value);
	d->value = cfg_xcalloc(1, vlen + 1);
	memcpy(d->value, eq + 1, vlen);
	return true;
}

/* Expand $NAME and ${NAME} in @s into lx->exp; undefined names stay. */
static int expand(struct cfg_lex *lx, const char *s, int depth)
{
	const char *p = s, *d;

	if (depth > LEX_MAX_EXPAND) {
		cfg_err(lx->x, "definitions nested more than %d deep (a loop?)",
			LEX_MAX_EXPAND);
		return -1;
	}
	while ((d = strchr(p, '$'))) {
		const char *name = d + 1, *end;
		const struct lex_def *def;
		bool brace = *name == '{';

		if (brace)
			name++;
		end = name;
		while (name_char(*end))
			end++;
		def = end > name && (!brace || *end == '}') ?
			      find_def(lx, name, (size_t)(end - name)) :
			      NULL;
		if (!def) {
			buf_add(&lx->exp, p, (size_t)(d - p) + 1);
			p = d + 1;
			continue;
		}
		buf_add(&lx->exp, p, (size_t)(d - p));
		if (expand(lx, def->value, depth + 1) < 0)
			return -1;
		p = brace ? end + 1 : end;
	}
	buf_add(&lx->exp, p, strlen(p));
	return 0;
}

/* ---- words ------------------------------------------------------------- */

static void grow_tok(struct cfg_lex *lx)
{
	lx->tok_cap = lx->tok_cap ? lx->tok_cap * 2 : 16;
	lx->tok = realloc(lx->tok, lx->tok_cap * sizeof(*lx->tok));
	lx->quoted = realloc(lx->quoted, lx->tok_cap);
	if (!lx->tok || !lx->quoted)
		abort();
}

static inline void add_tok(struct cfg_lex *lx, size_t off, bool quoted,
			   size_t *n)
{
	if (*n + 1 >= lx->tok_cap)
		grow_tok(lx);
	lx->tok[*n] = (char *)(uintptr_t)off; /* rebased once words settle */
	lx->quoted[*n] = quoted;
	(*n)++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One escape after a backslash inside double quotes; returns chars used. */
static size_t unescape(const char *p, char *out)
{
	static const char from[] = "nrtabfv\\\"'", to[] = "\n\r\t\a\b\f\v\\\"'";
	const char *m;

	if (*p && (m = strchr(from, *p))) {
		*out = to[m - from];
		return 1;
	}
	if (*p == 'x' && hexval(p[1]) >= 0) {
		if (hexval(p[2]) >= 0) {
			*out = (char)(hexval(p[1]) * 16 + hexval(p[2]));
			return 3;
		}
		*out = (char)hexval(p[1]);
		return 2;
	}
	*out = '\\'; /* unknown escape: keep it, as a shell would */
	return 0;
}

/* the bytes that end a plain run inside a word: the end of the line,
 * blanks, braces, comments and quotes */
static const bool word_stop[256] = {
	['\0'] = true, [' '] = true,  ['\t'] = true, ['\r'] = true,
	['{'] = true,  ['}'] = true,  ['#'] = true,  ['!'] = true,
	['"'] = true,  ['\''] = true,
};

/* Split one line of @len bytes into words: comments, quotes and braces. */
static int split(struct cfg_lex *lx, const char *s, size_t len, size_t *ntok)
{
	const char *p = s;
	char *w;

	/* a word takes at least one input byte and gives at most that many
	 * plus its NUL: room for all words at once, written directly (a
	 * buf_add per byte was most of the parse of a big configuration) */
	lx->words.len = 0;
	buf_reserve(&lx->words, 2 * len + 1);
	w = lx->words.s;
	*ntok = 0;
	for (;;) {
		bool quoted = false;
		size_t start;

		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p || *p == '#' || *p == '!')
			break;
		start = (size_t)(w - lx->words.s);
		if (*p == '{' || *p == '}') {
			*w++ = *p++;
			*w++ = '\0';
			add_tok(lx, start, false, ntok);
			continue;
		}
		/* plain runs and quoted parts up to a byte that ends the word:
		 * a comment starts at any unquoted '#' or '!' */
		for (;;) {
			char q, c;

			while (!word_stop[(unsigned char)*p])
				*w++ = *p++;
			q = *p;
			if (q != '"' && q != '\'')
				break;
			quoted = true;
			for (p++; *p && *p != q; p++) {
				c = *p;
				if (q == '"' && c == '\\' && p[1])
					p += unescape(p + 1, &c);
				*w++ = c;
			}
			if (*p != q) {
				cfg_err(lx->x, "unterminated quoted string");
				return -1;
			}
			p++;
		}
		*w++ = '\0';
		add_tok(lx, start, quoted, ntok);
	}
	lx->words.len = (size_t)(w - lx->words.s);
	return 0;
}

/* ---- lines ------------------------------------------------------------- */

/* @s after its leading blanks (a loop: strspn is a call per line) */
static const char *skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * Next physical line of the top file, with "\" continuations joined: by a
 * space, or by a newline in a "$NAME=" definition, whose value then
 * expands to several lines. A line that continues nothing is ended in
 * place in the file buffer (ours: a copy, or bytes taken from a consumed
 * snapshot that nothing reads again) and returned as it is; a joined one
 * is built in lx->raw. NULL at the end; *@len is the line's length.
 */
static char *read_raw(struct cfg_lex *lx, struct lex_file *f, size_t *len)
{
	char *first = f->buf + f->pos;
	bool def;

	lx->raw.len = 0;
	if (f->pos >= f->len)
		return NULL;
	f->line++;
	lx->raw_line = f->line; /* a continued line is named by its first */
	def = false;
	for (;;) {
		char *s = f->buf + f->pos;
		char *nl = memchr(s, '\n', f->len - f->pos);
		size_t n = nl ? (size_t)(nl - s) : f->len - f->pos;

		f->pos += n + (nl ? 1 : 0);
		if (n && s[n - 1] == '\r')
			n--;
		if (n && s[n - 1] == '\\' && nl && f->pos < f->len) {
			if (s == first) {
				const char *b = skip_blank(first);

				def = *b == '$' && b[strcspn(b, "=\n")] == '=';
			}
			buf_add(&lx->raw, s, n - 1);
			buf_add(&lx->raw, def ? "\n" : " ", 1);
			f->line++;
			continue;
		}
		if (s == first) {
			s[n] = '\0';
			*len = n;
			return s;
		}
		buf_add(&lx->raw, s, n);
		*len = lx->raw.len;
		return lx->raw.s;
	}
}

/* Apply "@ID"/"@^ID"; returns the rest of the line or NULL to drop it. */
static const char *conditional(struct cfg_lex *lx, const char *s)
{
	bool neg = false, match;
	const char *id, *end;

	if (*s != '@')
		return s;
	id = s + 1;
	if (*id == '^') {
		neg = true;
		id++;
	}
	end = id + strcspn(id, " \t");
	match = strlen(lx->config_id) == (size_t)(end - id) &&
		!memcmp(lx->config_id, id, (size_t)(end - id));
	return match != neg ? end : NULL;
}

/* Produce the next logical line in lx->ln; false at the end of input. */
static bool next_expanded(struct cfg_lex *lx)
{
	struct lex_file *f;
	char *s, *end;
	size_t len;

	for (;;) {
		if (!lx->n_stack)
			return false;
		f = &lx->stack[lx->n_stack - 1];
		if (!f->buf && load_file(lx, f) < 0) {
			file_release(f);
			lx->n_stack--;
			continue;
		}
		s = read_raw(lx, f, &len);
		if (!s) {
			file_release(f);
			lx->n_stack--;
			continue;
		}
		lx->x->loc.file = f->name;
		lx->x->loc.line = lx->raw_line;
		end = s + len;
		s = (char *)skip_blank(s);
		s = (char *)conditional(lx, s);
		if (!s)
			continue;
		s = (char *)skip_blank(s);
		if (*s == '$' && try_define(lx, s))
			continue;
		if (memchr(s, '$', (size_t)(end - s))) {
			lx->exp.len = 0;
			buf_add(&lx->exp, "", 0);
			if (expand(lx, s, 0) < 0)
				continue;
			s = lx->exp.s;
			end = s + lx->exp.len;
		}
		lx->ln = s;
		lx->ln_len = (size_t)(end - s);
		lx->ln_pos = 0;
		lx->exp_file = f->name;
		lx->exp_line = lx->raw_line;
		return true;
	}
}

/* ---- the common line, in one pass -------------------------------------- */

/* byte classes of plain_line(): LC_SLOW bytes need the general path */
enum { LC_WORD, LC_BLANK, LC_NL, LC_BRACE, LC_COMMENT, LC_SLOW };

static const unsigned char lex_class[256] = {
	[' '] = LC_BLANK,   ['\t'] = LC_BLANK,	['\r'] = LC_BLANK,
	['\n'] = LC_NL,	    ['{'] = LC_BRACE,	['}'] = LC_BRACE,
	['#'] = LC_COMMENT, ['!'] = LC_COMMENT, ['\0'] = LC_SLOW,
	['"'] = LC_SLOW,    ['\''] = LC_SLOW,	['$'] = LC_SLOW,
	['\\'] = LC_SLOW,
};

#define PLAIN_MAX_TOK 32

/*
 * Most lines of a big configuration are a few plain words and braces,
 * maybe a comment: split those in one pass, in place in the top file's
 * buffer, without the general path's copies. Anything else (a quote, a
 * "$", a backslash, a NUL inside the line, an "@" condition, a brace
 * touching a word, a continued comment, a pending expansion) is left to
 * the general path: nothing is consumed or written then.
 * Returns true with the line's words in lx->tok (*@ntok of them, maybe 0).
 */
static bool plain_line(struct cfg_lex *lx, size_t *ntok)
{
	struct lex_file *f;
	char *ends[PLAIN_MAX_TOK], *p, *eof, *nl, *end;
	size_t n = 0, i;
	unsigned char c;

	if (!lx->n_stack)
		return false;
	f = &lx->stack[lx->n_stack - 1];
	if (!f->buf || f->pos >= f->len)
		return false;
	p = f->buf + f->pos;
	eof = f->buf + f->len; /* *eof is the buffer's NUL */
	while (lex_class[(unsigned char)*p] == LC_BLANK)
		p++;
	if (*p == '@')
		return false;
	for (;;) {
		char *start = p;

		c = lex_class[(unsigned char)*p];
		if (c == LC_BLANK) {
			p++;
			continue;
		}
		if (c == LC_NL)
			break;
		if (c == LC_COMMENT) {
			nl = memchr(p, '\n', (size_t)(eof - p));
			p = nl ? nl : eof;
			/* the general path expands a "$" in a comment too (a
			 * value with a newline ends the comment there), and a
			 * line ending in "\" (before one "\r") continues */
			if (memchr(start, '$', (size_t)(p - start)))
				return false;
			end = p > start && p[-1] == '\r' ? p - 1 : p;
			if (end > start && end[-1] == '\\')
				return false;
			break;
		}
		if (c == LC_SLOW) {
			if (p == eof)
				break;
			return false;
		}
		if (c == LC_WORD)
			while (lex_class[(unsigned char)*++p] == LC_WORD)
				;
		else
			p++; /* a brace */
		/* the byte after a word becomes its NUL: it must be a blank,
		 * the newline, a comment's start or the end of the buffer */
		c = lex_class[(unsigned char)*p];
		if (c == LC_WORD || c == LC_BRACE || (c == LC_SLOW && p != eof))
			return false;
		if (n == PLAIN_MAX_TOK)
			return false;
		lx->tok[n] = start;
		ends[n++] = p;
	}
	for (i = 0; i < n; i++) {
		*ends[i] = '\0';
		lx->quoted[i] = 0;
	}
	lx->tok[n] = NULL;
	f->line++;
	lx->raw_line = f->line;
	f->pos = p < eof ? (size_t)(p - f->buf) + 1 : f->len;
	lx->x->loc.file = lx->exp_file = f->name;
	lx->x->loc.line = lx->exp_line = f->line;
	*ntok = n;
	return true;
}

int cfg_lex_next(struct cfg_lex *lx, struct cfg_line *out)
{
	for (;;) {
		size_t ntok, i, len;
		char *line, *nl = NULL;

		if (!lx->ln || lx->ln_pos > lx->ln_len) {
			if (plain_line(lx, &ntok)) {
				if (!ntok)
					continue;
				goto words;
			}
			if (!next_expanded(lx)) {
				lx->ln = NULL;
				return 0;
			}
		}
		line = lx->ln + lx->ln_pos;
		/* only an expansion (a line in lx->exp) can hold a newline */
		if (lx->ln == lx->exp.s)
			nl = memchr(line, '\n', lx->ln_len - lx->ln_pos);
		if (nl) {
			*nl = '\0';
			len = (size_t)(nl - line);
			lx->ln_pos = (size_t)(nl - lx->ln) + 1;
		} else {
			len = lx->ln_len - lx->ln_pos;
			lx->ln_pos = lx->ln_len + 1;
		}
		lx->x->loc.file = lx->exp_file;
		lx->x->loc.line = lx->exp_line;
		if (split(lx, line, len, &ntok) < 0 || !ntok)
			continue;
		for (i = 0; i < ntok; i++)
			lx->tok[i] = lx->words.s + (uintptr_t)lx->tok[i];
		lx->tok[ntok] = NULL;
	words:
		if (!lx->quoted[0] && lx->tok[0][0] == '~' &&
		    (!strncmp(lx->tok[0], "~SEQ", 4) ||
		     !strncmp(lx->tok[0], "~LST", 4))) {
			cfg_err(lx->x,
				"'%.4s' generators are not supported by "
				"directord yet",
				lx->tok[0]);
			continue;
		}
		if (lx->tok[0][0] == 'i' && !strcmp(lx->tok[0], "include") &&
		    !lx->quoted[0]) {
			if (ntok != 2)
				cfg_err(lx->x, "include takes one file name "
					       "or pattern");
			else
				do_include(lx, lx->tok[1],
					   &lx->stack[lx->n_stack - 1]);
			lx->ln_pos = lx->ln_len + 1; /* rest of this line */
			continue;
		}
		out->file = lx->exp_file;
		out->line = lx->exp_line;
		out->ntok = (int)ntok;
		out->tok = lx->tok;
		out->quoted = lx->quoted;
		return 1;
	}
}

struct cfg_lex *cfg_lex_open(struct cfg_ctx *x, const char *path,
			     const char *config_id)
{
	struct cfg_lex *lx = cfg_xcalloc(1, sizeof(*lx));

	lx->x = x;
	snprintf(lx->config_id, sizeof(lx->config_id), "%s",
		 config_id ? config_id : "");
	/* room for plain_line()'s words, once */
	while (lx->tok_cap < PLAIN_MAX_TOK + 1)
		grow_tok(lx);
	push_file(lx, path, 0, NULL);
	if (load_file(lx, &lx->stack[0]) < 0) {
		cfg_lex_close(lx);
		return NULL;
	}
	return lx;
}

void cfg_lex_close(struct cfg_lex *lx)
{
	size_t i;

	if (!lx)
		return;
	for (i = 0; i < lx->n_stack; i++)
		file_release(&lx->stack[i]);
	for (i = 0; i < lx->n_defs; i++) {
		free(lx->defs[i].name);
		free(lx->defs[i].value);
	}
	free(lx->stack);
	free(lx->defs);
	free(lx->raw.s);
	free(lx->exp.s);
	free(lx->words.s);
	free(lx->tok);
	free(lx->quoted);
	free(lx);
}
