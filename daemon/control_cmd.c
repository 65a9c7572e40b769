/*
 * control_cmd.c - the control socket's commands: status, reload, stepdown.
 * One request object in, one reply object out.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

struct json_object *control_error(const char *fmt, ...)
{
	struct json_object *o = json_object_new_object();
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(buf));
	return o;
}

static struct json_object *do_reload(struct core *c)
{
	int rc = reload_run(c);
	struct json_object *o;

	if (c->stopping)
		return control_error("directord is stopping");
	o = status_reload_json(c);
	if (rc < 0)
		json_object_object_add(
			o, "error",
			json_object_new_string("configuration refused; the "
					       "running one is kept"));
	return o;
}

static struct json_object *do_stepdown(struct core *c, struct json_object *req)
{
	struct json_object *v, *o;
	struct ipc_name n;
	const char *name;

	if (!json_object_object_get_ex(req, "instance", &v) ||
	    !json_object_is_type(v, json_type_string))
		return control_error("stepdown needs \"instance\": a "
				     "vrrp_instance name");
	name = json_object_get_string(v);
	if (strlen(name) >= sizeof(n.name) || cfg_find_vrrp(c->cfg, name) < 0)
		return control_error("no vrrp_instance named '%.64s'", name);
	if (c->child[CORE_VRRP].fd < 0)
		return control_error("the vrrp process is not running");
	memset(&n, 0, sizeof(n));
	snprintf(n.name, sizeof(n.name), "%s", name);
	if (sup_send(c, CORE_VRRP, IPC_STEPDOWN, &n, sizeof(n)) < 0)
		return control_error("cannot reach the vrrp process: %s",
				     strerror(errno));
	o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "instance", json_object_new_string(n.name));
	return o;
}

char *control_reply_text(struct json_object *o, size_t *len)
{
	char *s;

	if (!o)
		return NULL;
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	if (s)
		*len = strlen(s);
	return s;
}

/* status_text - {"ok":true,"status":{...}}, written as text: the status of
 * thousands of real servers is megabytes */
static char *status_text(struct core *c, size_t *len)
{
	struct jw w;

	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_bool(&w, "ok", true);
	status_write(&w, "status", c);
	jw_obj_close(&w);
	return jw_finish(&w, len);
}

char *control_handle_request(struct core *c, const char *line, size_t *len)
{
	enum json_tokener_error jerr = json_tokener_success;
	struct json_object *req, *cmd, *reply;
	const char *name;

	req = json_tokener_parse_verbose(line, &jerr);
	if (!req)
		return control_reply_text(
			control_error("malformed request: %s",
				      json_tokener_error_desc(jerr)),
			len);
	if (!json_object_is_type(req, json_type_object) ||
	    !json_object_object_get_ex(req, "cmd", &cmd) ||
	    !json_object_is_type(cmd, json_type_string)) {
		json_object_put(req);
		return control_reply_text(
			control_error("malformed request: expected "
				      "{\"cmd\":\"status|reload|stepdown\"}"),
			len);
	}
	name = json_object_get_string(cmd);
	if (!strcmp(name, "status")) {
		json_object_put(req);
		return status_text(c, len);
	} else if (!strcmp(name, "reload")) {
		reply = do_reload(c);
	} else if (!strcmp(name, "stepdown")) {
		reply = do_stepdown(c, req);
	} else {
		reply = control_error(
			"unknown command '%.64s' (status, reload, "
			"stepdown)",
			name);
	}
	json_object_put(req);
	return control_reply_text(reply, len);
}
