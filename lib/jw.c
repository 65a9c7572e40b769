/* jw.c - the streaming JSON writer (see jw.h). */
#include <stdlib.h>
#include <string.h>

#include "jw.h"

void jw_init(struct jw *w)
{
	memset(w, 0, sizeof(*w));
}

/* reserve - room for @n more bytes plus the final NUL. */
static bool reserve(struct jw *w, size_t n)
{
	size_t cap;
	char *p;

	if (w->failed)
		return false;
	if (w->len + n + 1 <= w->cap)
		return true;
	cap = w->cap ? w->cap : 4096;
	while (cap < w->len + n + 1) {
		if (cap > SIZE_MAX / 2) {
			w->failed = true;
			return false;
		}
		cap *= 2;
	}
	p = realloc(w->buf, cap);
	if (!p) {
		w->failed = true;
		return false;
	}
	w->buf = p;
	w->cap = cap;
	return true;
}

static void put(struct jw *w, const char *s, size_t n)
{
	if (!reserve(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

/* put_str - @s as a JSON string (RFC 8259 section 7: '"', '\\' and the
 * control characters are escaped; everything else passes as is). */
static void put_str(struct jw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s), i, run = 0;
	char *o;

	/* the worst case: every byte a \u00XX */
	if (!reserve(w, n * 6 + 2))
		return;
	o = w->buf + w->len;
	*o++ = '"';
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch != '"' && ch != '\\') {
			run++;
			continue;
		}
		memcpy(o, s + i - run, run);
		o += run;
		run = 0;
		*o++ = '\\';
		switch (ch) {
		case '"':
		case '\\':
			*o++ = (char)ch;
			break;
		case '\n':
			*o++ = 'n';
			break;
		case '\t':
			*o++ = 't';
			break;
		case '\r':
			*o++ = 'r';
			break;
		default:
			memcpy(o, "u00", 3);
			o[3] = hex[ch >> 4];
			o[4] = hex[ch & 15];
			o += 5;
			break;
		}
	}
	memcpy(o, s + n - run, run);
	o += run;
	*o++ = '"';
	w->len = (size_t)(o - w->buf);
}

/* member - the comma before a value and its key, when inside an object. */
static void member(struct jw *w, const char *key)
{
	if (w->depth) {
		if (!w->empty[w->depth - 1])
			put(w, ",", 1);
		w->empty[w->depth - 1] = false;
	}
	if (key) {
		put_str(w, key);
		put(w, ":", 1);
	}
}

static void open_container(struct jw *w, const char *key, char c)
{
	member(w, key);
	if (w->depth >= JW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	w->empty[w->depth++] = true;
	put(w, &c, 1);
}

static void close_container(struct jw *w, char c)
{
	if (!w->depth) {
		w->failed = true;
		return;
	}
	w->depth--;
	put(w, &c, 1);
}

void jw_obj_open(struct jw *w, const char *key)
{
	open_container(w, key, '{');
}

void jw_obj_close(struct jw *w)
{
	close_container(w, '}');
}

void jw_arr_open(struct jw *w, const char *key)
{
	open_container(w, key, '[');
}

void jw_arr_close(struct jw *w)
{
	close_container(w, ']');
}

void jw_str(struct jw *w, const char *key, const char *v)
{
	member(w, key);
	if (v)
		put_str(w, v);
	else
		put(w, "null", 4);
}

/* put_u64 - decimal digits of @v, after an optional minus sign. */
static void put_u64(struct jw *w, bool neg, uint64_t v)
{
	char b[21], *p = b + sizeof(b);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		*--p = '-';
	put(w, p, (size_t)(b + sizeof(b) - p));
}

void jw_int(struct jw *w, const char *key, int64_t v)
{
	member(w, key);
	/* the magnitude of INT64_MIN does not fit int64_t: negate unsigned */
	put_u64(w, v < 0, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	member(w, key);
	put_u64(w, false, v);
}

void jw_bool(struct jw *w, const char *key, bool v)
{
	member(w, key);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void jw_null(struct jw *w, const char *key)
{
	jw_str(w, key, NULL);
}

void jw_raw(struct jw *w, const char *key, const char *json)
{
	member(w, key);
	if (json)
		put(w, json, strlen(json));
	else
		put(w, "null", 4);
}

char *jw_finish(struct jw *w, size_t *len)
{
	char *s;

	if (w->failed || w->depth || !reserve(w, 0)) {
		jw_free(w);
		return NULL;
	}
	w->buf[w->len] = '\0';
	s = w->buf;
	if (len)
		*len = w->len;
	jw_init(w);
	return s;
}

void jw_free(struct jw *w)
{
	free(w->buf);
	jw_init(w);
}
