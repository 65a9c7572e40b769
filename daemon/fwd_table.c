/* fwd_table.c - identity, names and containers of forwarding entries (pure). */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fwd.h"

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

int fwd_svc_cmp(const struct fwd_svc *a, const struct fwd_svc *b)
{
	int r;

	if ((r = CMP(a->af, b->af)) || (r = CMP(a->fwmark, b->fwmark)))
		return r;
	if (a->fwmark)
		return 0;
	if ((r = CMP(a->protocol, b->protocol)) ||
	    (r = addr_cmp(&a->addr, &b->addr)))
		return r;
	return CMP(a->port, b->port);
}

int fwd_dest_cmp(const struct fwd_dest *a, const struct fwd_dest *b)
{
	int r = addr_cmp(&a->addr, &b->addr);

	return r ? r : CMP(a->port, b->port);
}

static const char *proto_name(uint16_t p)
{
	switch (p) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	default:
		return "proto?";
	}
}

const char *fwd_svc_fmt(const struct fwd_svc *s, char *buf, size_t len)
{
	char a[ADDR_STRLEN];

	if (s->fwmark)
		snprintf(buf, len, "fwmark %u%s", (unsigned)s->fwmark,
			 s->af == AF_INET6 ? " inet6" : "");
	else
		snprintf(buf, len, "[%s]:%s:%u", addr_fmt(&s->addr, a),
			 proto_name(s->protocol), (unsigned)s->port);
	return buf;
}

const char *fwd_dest_fmt(const struct fwd_dest *d, char *buf, size_t len)
{
	char a[ADDR_STRLEN];

	snprintf(buf, len, "[%s]:%u", addr_fmt(&d->addr, a), (unsigned)d->port);
	return buf;
}

static int entry_cmp(const void *a, const void *b)
{
	return fwd_svc_cmp(&((const struct fwd_entry *)a)->svc,
			   &((const struct fwd_entry *)b)->svc);
}

static int dest_cmp(const void *a, const void *b)
{
	return fwd_dest_cmp(a, b);
}

/*
 * sort_items - qsort @n items of @size at @base, unless they are in order
 * already or in reverse order (then reversed in place; no two are equal).
 */
static void sort_items(void *base, size_t n, size_t size,
		       int (*cmp)(const void *, const void *))
{
	union {
		struct fwd_entry e;
		struct fwd_dest d;
	} tmp;
	char *b = base;
	size_t up = 1, down = 1;

	if (n < 2)
		return;
	/* the lengths of the ascending and of the descending prefix */
	for (size_t i = 1; i < n && (up == i || down == i); i++) {
		int r = cmp(b + (i - 1) * size, b + i * size);

		up += up == i && r <= 0;
		down += down == i && r > 0;
	}
	if (up == n)
		return;
	if (down == n && size <= sizeof(tmp)) {
		for (size_t i = 0, j = n - 1; i < j; i++, j--) {
			memcpy(&tmp, b + i * size, size);
			memcpy(b + i * size, b + j * size, size);
			memcpy(b + j * size, &tmp, size);
		}
		return;
	}
	qsort(base, n, size, cmp);
}

/* a dump lists the destinations of a service in the order of the kernel's
 * list: the order we added them (sorted) or its reverse. Checking first
 * saves sorting 10,000 of them on every reload. */
void fwd_table_sort(struct fwd_table *t)
{
	sort_items(t->entries, t->n, sizeof(*t->entries), entry_cmp);
	for (size_t i = 0; i < t->n; i++)
		sort_items(t->entries[i].dests, t->entries[i].n_dests,
			   sizeof(struct fwd_dest), dest_cmp);
}

const struct fwd_entry *fwd_table_find(const struct fwd_table *t,
				       const struct fwd_svc *s)
{
	struct fwd_entry key = { .svc = *s };

	if (!t || !t->n)
		return NULL;
	return bsearch(&key, t->entries, t->n, sizeof(key), entry_cmp);
}

const struct fwd_dest *fwd_entry_find_dest(const struct fwd_entry *e,
					   const struct fwd_dest *d)
{
	if (!e || !e->n_dests)
		return NULL;
	return bsearch(d, e->dests, e->n_dests, sizeof(*d), dest_cmp);
}

/* grow @*p, holding @n items of @size: capacity 4, then doubling */
static int grow(void *p, size_t n, size_t size)
{
	void **pp = p;
	void *np;

	if (n && (n < 4 || (n & (n - 1))))
		return 0;
	np = realloc(*pp, (n ? 2 * n : 4) * size);
	if (!np)
		return -1;
	*pp = np;
	return 0;
}

struct fwd_entry *fwd_table_add(struct fwd_table *t, const struct fwd_svc *s)
{
	struct fwd_entry *e;

	if (grow(&t->entries, t->n, sizeof(*t->entries)) < 0)
		return NULL;
	e = &t->entries[t->n++];
	memset(e, 0, sizeof(*e));
	e->svc = *s;
	return e;
}

int fwd_entry_add_dest(struct fwd_entry *e, const struct fwd_dest *d)
{
	if (grow(&e->dests, e->n_dests, sizeof(*e->dests)) < 0)
		return -1;
	e->dests[e->n_dests++] = *d;
	return 0;
}

uint32_t fwd_table_add_counters(struct fwd_table *t,
				const struct fwd_counters *c)
{
	if (t->n_ctrs >= UINT32_MAX - 1 ||
	    grow(&t->ctrs, t->n_ctrs, sizeof(*t->ctrs)) < 0)
		return 0;
	t->ctrs[t->n_ctrs++] = *c;
	return (uint32_t)t->n_ctrs; /* index + 1: 0 is "none" */
}

const struct fwd_counters *fwd_table_counters(const struct fwd_table *t,
					      uint32_t ctr)
{
	return ctr && ctr <= t->n_ctrs ? &t->ctrs[ctr - 1] : NULL;
}

void fwd_table_free(struct fwd_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->entries[i].dests);
	free(t->entries);
	free(t->ctrs);
	memset(t, 0, sizeof(*t));
}
