/* ctl_print.h - directorctl's human-readable status. */
#ifndef DD_CTL_PRINT_H
#define DD_CTL_PRINT_H

#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>

/**
 * ctl_print_status - print the status object of `{"cmd":"status"}` as a
 * summary: daemon and config, processes, VRRP instances when present, and
 * the forwarding table: the last reconcile's operations and one line per
 * virtual server and per real server (forwarding method, configured and
 * current weight, connections, rates, health with the checker's reason and
 * last check). Without a forwarding table, the checker's virtual and real
 * servers with their health.
 * @f: output
 * @st: the "status" member of the reply
 */
void ctl_print_status(FILE *f, struct json_object *st);

/**
 * ctl_print_status_at - ctl_print_status with the ages of the last checks
 * measured from @now_ms instead of the clock (for tests).
 * @f: output
 * @st: the "status" member of the reply
 * @now_ms: the current time, milliseconds since the epoch
 */
void ctl_print_status_at(FILE *f, struct json_object *st, int64_t now_ms);

#endif
