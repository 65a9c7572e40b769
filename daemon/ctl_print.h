/* ctl_print.h - directorctl's human-readable status. */
#ifndef DD_CTL_PRINT_H
#define DD_CTL_PRINT_H

#include <stdio.h>
#include <json-c/json.h>

/**
 * ctl_print_status - print the status object of `{"cmd":"status"}` as a
 * summary: daemon and config, processes, VRRP instances and virtual servers
 * when present, forwarding table.
 * @f: output
 * @st: the "status" member of the reply
 */
void ctl_print_status(FILE *f, struct json_object *st);

#endif
