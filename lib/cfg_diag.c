/* cfg_diag.c - the loader's list of warnings and errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

static void vadd(struct cfg_ctx *x, enum cfg_sev sev, const struct cfg_loc *loc,
		 const char *fmt, va_list ap)
{
	struct cfg_diag *d = x->diag;
	struct cfg_msg *m;
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	m = cfg_push(&d->msgs, &d->n_msgs, sizeof(*m));
	m->sev = sev;
	if (loc && loc->file) {
		m->file = cfg_xstrdup(loc->file);
		m->line = loc->line;
	}
	m->text = cfg_xstrdup(buf);
	if (sev == CFG_ERR)
		d->n_errors++;
}

void cfg_msg_at(struct cfg_ctx *x, enum cfg_sev sev, const struct cfg_loc *loc,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(x, sev, loc, fmt, ap);
	va_end(ap);
}

void cfg_err(struct cfg_ctx *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(x, CFG_ERR, &x->loc, fmt, ap);
	va_end(ap);
}

void cfg_warn(struct cfg_ctx *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(x, CFG_WARN, &x->loc, fmt, ap);
	va_end(ap);
}

void cfg_diag_free(struct cfg_diag *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n_msgs; i++) {
		free(d->msgs[i].file);
		free(d->msgs[i].text);
	}
	free(d->msgs);
	memset(d, 0, sizeof(*d));
}

const char *cfg_diag_fmt(const struct cfg_msg *m, char *buf, size_t len)
{
	const char *sev = m->sev == CFG_ERR ? "error" : "warning";

	if (m->file)
		snprintf(buf, len, "%s:%d: %s: %s", m->file, m->line, sev,
			 m->text);
	else
		snprintf(buf, len, "%s: %s", sev, m->text);
	return buf;
}
