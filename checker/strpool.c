/* strpool.c - interned, reference-counted reason strings (one process, one
 * thread: the pool is the process's). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "checker/strpool.h"

struct sp_ent {
	struct sp_ent *next; /* in its bucket */
	uint32_t hash;
	uint32_t refs;
	char s[];
};

static struct sp_ent **sp_tab;
static unsigned sp_size, sp_count; /* buckets (a power of two), strings */

static uint32_t sp_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static struct sp_ent *sp_of(const char *s)
{
	return (struct sp_ent *)(void *)(s - offsetof(struct sp_ent, s));
}

/* double the buckets when full; a failure only makes chains longer */
static void sp_grow(void)
{
	unsigned n = sp_size ? sp_size * 2 : 16, i;
	struct sp_ent **t = calloc(n, sizeof(*t));

	if (!t)
		return;
	for (i = 0; i < sp_size; i++) {
		struct sp_ent *e = sp_tab[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = t[e->hash & (n - 1)];
			t[e->hash & (n - 1)] = e;
		}
	}
	free(sp_tab);
	sp_tab = t;
	sp_size = n;
}

static const char *sp_intern(const char *s)
{
	uint32_t h = sp_hash(s);
	struct sp_ent *e;
	size_t len;

	if (sp_count >= sp_size)
		sp_grow();
	if (!sp_size)
		return NULL;
	for (e = sp_tab[h & (sp_size - 1)]; e; e = e->next) {
		if (e->hash == h && !strcmp(e->s, s)) {
			e->refs++;
			return e->s;
		}
	}
	len = strlen(s) + 1;
	e = malloc(sizeof(*e) + len);
	if (!e)
		return NULL;
	memcpy(e->s, s, len);
	e->hash = h;
	e->refs = 1;
	e->next = sp_tab[h & (sp_size - 1)];
	sp_tab[h & (sp_size - 1)] = e;
	sp_count++;
	return e->s;
}

void chk_str_drop(const char **dst)
{
	struct sp_ent *e, **pp;

	if (!*dst)
		return;
	e = sp_of(*dst);
	*dst = NULL;
	if (--e->refs)
		return;
	for (pp = &sp_tab[e->hash & (sp_size - 1)]; *pp; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	}
	sp_count--;
	free(e);
}

void chk_str_set(const char **dst, const char *s)
{
	const char *n = NULL;

	if (s && *s) {
		if (*dst && !strcmp(*dst, s))
			return; /* a failing server's usual case */
		n = sp_intern(s);
		if (!n) {
			log_err("checker: out of memory keeping reason \"%s\"",
				s);
			return;
		}
	}
	chk_str_drop(dst);
	*dst = n;
}

unsigned chk_str_pool_count(void)
{
	return sp_count;
}
