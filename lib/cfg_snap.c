/*
 * cfg_snap.c - record, look up, encode and decode configuration snapshots.
 * Encoding: "DDCS1\n", then per entry a kind byte, the key length and the
 * data length as 4-byte little-endian numbers, the key, the data.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_snap.h"

static const char magic[6] = "DDCS1\n";

#define SNAP_MAX_KEY 4096

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

static char *dup_bytes(const void *p, size_t n)
{
	char *d = xmalloc(n + 1);

	if (n)
		memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

/* a new entry at the end of @s (the array grows at powers of two) */
static struct cfg_snap_ent *ent_push(struct cfg_snap *s)
{
	struct cfg_snap_ent *e;

	if ((s->n & (s->n - 1)) == 0) {
		void *p = realloc(s->ents, (s->n ? 2 * s->n : 4) * sizeof(*e));

		if (!p)
			abort();
		s->ents = p;
	}
	e = &s->ents[s->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

void cfg_snap_add(struct cfg_snap *s, enum cfg_snap_kind kind, const char *key,
		  const void *data, size_t len)
{
	struct cfg_snap_ent *e = ent_push(s);

	e->kind = kind;
	e->key = dup_bytes(key, strlen(key));
	e->data = dup_bytes(data, len);
	e->len = len;
}

/* the first entry of @kind and @key not taken yet, or NULL */
static struct cfg_snap_ent *ent_find(const struct cfg_snap *s,
				     enum cfg_snap_kind kind, const char *key)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->ents[i].kind == kind && !s->ents[i].taken &&
		    !strcmp(s->ents[i].key, key))
			return &s->ents[i];
	return NULL;
}

const struct cfg_snap_ent *cfg_snap_find(const struct cfg_snap *s,
					 enum cfg_snap_kind kind,
					 const char *key)
{
	return ent_find(s, kind, key);
}

struct cfg_snap_ent *cfg_snap_take(struct cfg_snap *s, const char *path)
{
	struct cfg_snap_ent *e = ent_find(s, CFG_SNAP_FILE, path);

	if (e && s->consume)
		e->taken = true;
	return e;
}

static void put32(char *p, size_t v)
{
	p[0] = (char)(v & 0xff);
	p[1] = (char)((v >> 8) & 0xff);
	p[2] = (char)((v >> 16) & 0xff);
	p[3] = (char)((v >> 24) & 0xff);
}

static size_t get32(const unsigned char *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 |
	       (size_t)p[3] << 24;
}

char *cfg_snap_encode(const struct cfg_snap *s, size_t *len)
{
	size_t i, n = sizeof(magic), k;
	char *buf, *p;

	for (i = 0; i < s->n; i++)
		n += 9 + strlen(s->ents[i].key) + s->ents[i].len;
	buf = p = xmalloc(n);
	memcpy(p, magic, sizeof(magic));
	p += sizeof(magic);
	for (i = 0; i < s->n; i++) {
		k = strlen(s->ents[i].key);
		*p++ = (char)s->ents[i].kind;
		put32(p, k);
		put32(p + 4, s->ents[i].len);
		p += 8;
		memcpy(p, s->ents[i].key, k);
		p += k;
		if (s->ents[i].len)
			memcpy(p, s->ents[i].data, s->ents[i].len);
		p += s->ents[i].len;
	}
	*len = n;
	return buf;
}

/* the next entry's header at *@p, checked against @end: its kind and the
 * lengths of its key and data, which follow; *@p moves past the header.
 * Returns 0, or -1 when malformed. */
static int next_hdr(const unsigned char **p, const unsigned char *end,
		    int *kind, size_t *klen, size_t *dlen)
{
	const unsigned char *h = *p;

	if ((size_t)(end - h) < 9)
		return -1;
	*kind = h[0];
	*klen = get32(h + 1);
	*dlen = get32(h + 5);
	h += 9;
	if ((*kind != CFG_SNAP_FILE && *kind != CFG_SNAP_GLOB) || *klen == 0 ||
	    *klen > SNAP_MAX_KEY || *klen > (size_t)(end - h) ||
	    *dlen > (size_t)(end - h) - *klen || memchr(h, '\0', *klen))
		return -1;
	*p = h;
	return 0;
}

int cfg_snap_decode(struct cfg_snap *s, const void *buf, size_t len)
{
	const unsigned char *p = buf, *end = p + len;

	memset(s, 0, sizeof(*s));
	if (len < sizeof(magic) || memcmp(p, magic, sizeof(magic)))
		return -1;
	p += sizeof(magic);
	while (p < end) {
		size_t klen, dlen;
		int kind;
		char *key;

		if (next_hdr(&p, end, &kind, &klen, &dlen) < 0)
			goto bad;
		key = dup_bytes(p, klen);
		cfg_snap_add(s, (enum cfg_snap_kind)kind, key, p + klen, dlen);
		free(key);
		p += klen + dlen;
	}
	return 0;
bad:
	cfg_snap_free(s);
	return -1;
}

int cfg_snap_adopt(struct cfg_snap *s, char *buf, size_t len)
{
	const unsigned char *p = (unsigned char *)buf, *end = p + len;
	char *w = buf + sizeof(magic);

	memset(s, 0, sizeof(*s));
	if (len < sizeof(magic) || memcmp(p, magic, sizeof(magic)))
		return -1;
	p += sizeof(magic);
	/* each entry moves down over its 9-byte header, which leaves room
	 * for the NUL after its key and after its data: the writer never
	 * passes the reader */
	while (p < end) {
		struct cfg_snap_ent *e;
		size_t klen, dlen;
		int kind;

		if (next_hdr(&p, end, &kind, &klen, &dlen) < 0) {
			free(s->ents);
			memset(s, 0, sizeof(*s));
			return -1;
		}
		e = ent_push(s);
		e->kind = (enum cfg_snap_kind)kind;
		e->len = dlen;
		memmove(w, p, klen);
		w[klen] = '\0';
		memmove(w + klen + 1, p + klen, dlen);
		w[klen + 1 + dlen] = '\0';
		e->key = w;
		e->data = w + klen + 1;
		w += klen + dlen + 2;
		p += klen + dlen;
	}
	s->blob = buf;
	return 0;
}

void cfg_snap_free(struct cfg_snap *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; !s->blob && i < s->n; i++) {
		free(s->ents[i].key);
		free(s->ents[i].data);
	}
	free(s->blob);
	free(s->ents);
	memset(s, 0, sizeof(*s));
}
