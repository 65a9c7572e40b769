/* log.h - logging to syslog or the console, with a per-process ident. */
#ifndef DD_LOG_H
#define DD_LOG_H

#include <stdbool.h>
#include <syslog.h>

/**
 * log_init - choose where log lines go.
 * @ident: syslog ident ("directord", "directord-vrrp", "directord-checker")
 * @console: true to write to stderr instead of syslog
 * @facility: syslog facility (LOG_DAEMON by default)
 * @detail: true to also emit LOG_DEBUG lines
 */
void log_init(const char *ident, bool console, int facility, bool detail);

/**
 * log_msg - log one line at @prio (LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG).
 */
void log_msg(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
