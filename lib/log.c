/*
 * log.c - one line per call, to syslog or to stderr with a timestamp, the
 * ident and the pid. errno is preserved so callers may log and then use it.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static struct {
	char ident[32];
	bool console;
	bool detail;
	bool syslog_open;
} lg = { "directord", true, false, false };

void log_init(const char *ident, bool console, int facility, bool detail)
{
	snprintf(lg.ident, sizeof(lg.ident), "%s", ident ? ident : "directord");
	lg.console = console;
	lg.detail = detail;
	if (lg.syslog_open) {
		closelog();
		lg.syslog_open = false;
	}
	if (!console) {
		/* openlog keeps the pointer: lg.ident is static storage */
		openlog(lg.ident, LOG_PID | LOG_NDELAY, facility);
		setlogmask(LOG_UPTO(detail ? LOG_DEBUG : LOG_INFO));
		lg.syslog_open = true;
	}
}

static const char *prio_word(int prio)
{
	switch (prio) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

void log_msg(int prio, const char *fmt, ...)
{
	int saved = errno;
	char msg[1024], stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (prio >= LOG_DEBUG && !lg.detail)
		goto out;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!lg.console) {
		syslog(prio, "%s", msg);
		goto out;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld %s[%ld]: %s: %s\n", stamp,
		ts.tv_nsec / 1000000, lg.ident, (long)getpid(), prio_word(prio),
		msg);
out:
	errno = saved;
}
