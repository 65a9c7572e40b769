/*
 * core.h - the core process: its options, its state, and the functions the
 * daemon/ core files (core, supervise, reload, control, status) share.
 */
#ifndef DD_CORE_H
#define DD_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>
#include <json-c/json.h>

#include "cfg.h"
#include "evloop.h"
#include "health.h"
#include "ipc.h"
#include "jw.h"

struct script_child;

#define CORE_DEFAULT_CONFIG SYSCONFDIR "/keepalived/keepalived.conf"
#define CORE_DEFAULT_CONTROL RUNSTATEDIR "/directord/control"
#define CORE_DEFAULT_PIDFILE RUNSTATEDIR "/directord.pid"
#define CORE_STOP_WAIT_US (5 * 1000000ull) /* then SIGKILL (keepalived: 5 s) */

/* which children to run (-P / -C) */
enum core_mode { CORE_MODE_ALL, CORE_MODE_VRRP, CORE_MODE_CHECK };

struct core_opts {
	const char *config; /* -f */
	const char *config_id; /* -i; NULL: short hostname */
	const char *control; /* --control */
	const char *pidfile; /* -p */
	bool dont_fork; /* -n */
	bool console; /* -l */
	bool detail; /* -D */
	int facility; /* -S */
	bool config_test; /* -t */
	bool keep_ipvs; /* -I */
	enum core_mode mode; /* -P / -C */
	int ready_fd; /* daemonized: write one byte once serving, -1 */
};

enum core_child_id { CORE_VRRP, CORE_CHECKER, CORE_N_CHILDREN };

/* an outgoing message waiting for the child's socket to drain */
struct core_outmsg {
	struct core_outmsg *next;
	int passfd; /* owned by the queue; -1 for none */
	uint16_t type;
	uint32_t len;
	uint8_t payload[];
};

struct core_child {
	struct core *core;
	const char *name; /* "vrrp", "checker" */
	const char *ident; /* its log ident */
	int (*run)(struct cfg *c, uint32_t generation, int ipc_fd);
	bool wanted; /* its part of the config exists and the mode allows */
	pid_t pid; /* 0: not running */
	int fd; /* core's end of the IPC pair, -1 when closed */
	uint64_t started_us;
	unsigned restarts;
	unsigned quick_deaths; /* consecutive deaths within 60 s of start */
	char last_exit[48]; /* "exit status 1", "killed by signal 9", "" */
	struct ev_timer *restart_timer;
	struct ev_timer *kill_timer; /* SIGKILL if a stop takes too long */
	uint64_t restart_at_us; /* when restart_timer fires */
	uint32_t ready_generation; /* last generation it reported READY for */
	bool ready_ok;
	bool respawn; /* stopped on purpose: start again at once */
	char ready_error[256];
	/* its latest STATUS_JSON, one whole JSON value (checked on
	 * arrival): spliced as is into every status reply */
	char *status;
	struct core_outmsg *outq, **outq_tail;
	size_t outq_len;
};

struct core_reload_result {
	time_t time;
	bool ok;
	char **errors; /* "file:line: error: text" */
	size_t n_errors;
	char **warnings;
	size_t n_warnings;
};

struct core {
	struct ev_loop *loop;
	struct core_opts opts;
	pid_t pid;
	uint64_t start_us;
	struct cfg *cfg; /* the running configuration */
	uint32_t generation;
	int snapfd; /* the sealed snapshot cfg was parsed from, -1 none */
	/* the previous one, kept until the checker runs the current one, to
	 * place health it reported in the previous generation */
	struct cfg *prev_cfg;
	struct core_reload_result last_reload;
	struct core_health *health; /* core's copy of real-server health */
	struct lvs *lvs; /* NULL: forwarding table disabled */
	char lvs_reason[256];
	struct core_child child[CORE_N_CHILDREN];
	struct core_control *control;
	bool stopping;
	struct ev_timer *stop_timer;
	bool killed; /* SIGKILL already sent to stragglers */
	struct script_child *fifo_reader; /* notify_fifo_script, or NULL */
	char *fifo_path, *fifo_cmd; /* what it was started with */
};

/* ---- fifo_reader.c --------------------------------------------------- */

/**
 * core_fifo_reader_update - start, keep or restart notify_fifo_script for
 * the running configuration (creating notify_fifo when missing).
 * @c: the core, with c->cfg set
 * Returns nothing; failures are logged and leave no reader running.
 */
void core_fifo_reader_update(struct core *c);

/**
 * core_fifo_reader_stop - kill notify_fifo_script's process group.
 * @c: the core
 */
void core_fifo_reader_stop(struct core *c);

/* ---- core.c ---------------------------------------------------------- */

/**
 * core_run - run the core process until SIGTERM/SIGINT.
 * @o: options from the command line
 * Returns the process exit status.
 */
int core_run(const struct core_opts *o);

/**
 * core_finish_stop - called once every child is gone during a stop: release
 * the forwarding table, remove the control socket and the pidfile, and make
 * the loop return.
 */
void core_finish_stop(struct core *c);

/**
 * core_stop - begin an orderly stop: IPC_STOP + SIGTERM to each child,
 * SIGKILL after CORE_STOP_WAIT_US, then core_finish_stop.
 */
void core_stop(struct core *c);

/* ---- options.c -------------------------------------------------------- */

/**
 * core_opts_parse - parse the directord command line (pure apart from
 * printing --help/--version to stdout).
 * @argc: argument count
 * @argv: arguments
 * @o: receives the options (defaults filled in)
 * @err: receives a message on error
 * @errlen: size of @err
 * Returns 0 to run, 1 when the program should exit 0 (-h, -v), -1 on a bad
 * command line.
 */
int core_opts_parse(int argc, char **argv, struct core_opts *o, char *err,
		    size_t errlen);

/* ---- supervise.c ------------------------------------------------------ */

/**
 * sup_init - set up the child table (names, entry points; nothing running).
 */
void sup_init(struct core *c);

/**
 * sup_wanted - decide which children the configuration @cfg needs.
 * @c: core
 * @cfg: configuration
 * @id: child
 * Returns true when the child should run.
 */
bool sup_wanted(const struct core *c, const struct cfg *cfg,
		enum core_child_id id);

struct cfg_snap;

/**
 * sup_seal_snapshot - seal the bytes c->cfg was parsed from (cfg_snap_memfd)
 * and keep a copy for a checker process started later; without one,
 * checkers are forked with c->cfg in core's memory.
 * @c: the core
 * @snap: the recorded bytes; freed
 * Returns the sealed snapshot for the caller (to close), or -1 with errno
 * set when it cannot be made.
 */
int sup_seal_snapshot(struct core *c, struct cfg_snap *snap);

/**
 * sup_start - start child @id with the running configuration.
 * Returns 0, or -1 (logged; a restart is scheduled).
 */
int sup_start(struct core *c, enum core_child_id id);

/**
 * sup_stop_child - ask child @id to stop (IPC_STOP, SIGTERM); no restart.
 */
void sup_stop_child(struct core *c, enum core_child_id id);

/**
 * sup_reap - collect exited children (SIGCHLD), log how each ended and
 * schedule restarts with back-off.
 */
void sup_reap(struct core *c);

/**
 * sup_restart_delay_s - the back-off before restarting a child (pure;
 * backoff.c).
 * @lived_us: how long the child ran
 * @quick_deaths: in/out: consecutive quick deaths, updated
 * Returns seconds to wait: 0 when it lived > 60 s or on the first quick
 * death, then 1, 2, 4 ... capped at 60.
 */
unsigned sup_restart_delay_s(uint64_t lived_us, unsigned *quick_deaths);

/**
 * sup_send - send a message to child @id, queueing it when the socket is
 * full. Returns 0, or -1 when the child is not connected.
 */
int sup_send(struct core *c, enum core_child_id id, uint16_t type,
	     const void *payload, uint32_t len);

/**
 * sup_send_fd - sup_send with a file descriptor attached (SCM_RIGHTS).
 * @c: the core
 * @id: the child
 * @type: enum ipc_type
 * @payload: the payload
 * @len: its size
 * @passfd: descriptor to pass; the caller keeps (and closes) its copy
 * Returns 0, or -1 when the child is not connected or the queue is full.
 */
int sup_send_fd(struct core *c, enum core_child_id id, uint16_t type,
		const void *payload, uint32_t len, int passfd);

/**
 * sup_any_running - true while some child process exists.
 */
bool sup_any_running(const struct core *c);

/**
 * sup_respawn - replace child @id with a fresh process that inherits the
 * running configuration (it needs not read the file itself).
 */
void sup_respawn(struct core *c, enum core_child_id id);

/**
 * sup_close_channel - drain and close child @id's IPC end and its queue.
 */
void sup_close_channel(struct core *c, enum core_child_id id);

/* ---- core_ipc.c ------------------------------------------------------- */

/**
 * core_ipc_handle - act on one validated message from child @id.
 */
void core_ipc_handle(struct core *c, enum core_child_id id,
		     const struct ipc_msg *m);

/**
 * core_ipc_child_started - a child was (re)started: give a checker the
 * health core knows so it resumes where the previous one stopped.
 */
void core_ipc_child_started(struct core *c, enum core_child_id id);

/* ---- reload.c --------------------------------------------------------- */

/**
 * reload_run - parse and validate the file; on success adopt it (children,
 * forwarding table); on failure keep the running one. The result is kept in
 * c->last_reload.
 * Returns 0 when the new configuration was adopted, -1 when refused.
 */
int reload_run(struct core *c);

/**
 * core_prev_cfg_drop - free the generation kept for the checker's late
 * reports (c->prev_cfg) and give the heap's free pages back: the newer
 * generation was built above it, and 10,000 real servers would otherwise
 * leave core 4 MB larger after every reload. Nothing when none is kept.
 * @c: core
 */
void core_prev_cfg_drop(struct core *c);

/**
 * reload_result_from_diag - fill @r from loader diagnostics (replacing what
 * it held).
 * @r: result
 * @d: diagnostics
 * @ok: whether the configuration was adopted
 */
void reload_result_from_diag(struct core_reload_result *r,
			     const struct cfg_diag *d, bool ok);

/**
 * reload_result_free - release the strings held in @r.
 */
void reload_result_free(struct core_reload_result *r);

/* ---- status.c --------------------------------------------------------- */

/**
 * status_write - the whole daemon's status as one object.
 * @w: the writer
 * @key: member name, or NULL
 * @c: core
 */
void status_write(struct jw *w, const char *key, struct core *c);

/**
 * status_reload_json - the result of a reload as JSON (caller owns it).
 */
struct json_object *status_reload_json(const struct core *c);

/* ---- control.c -------------------------------------------------------- */

struct core_control;

/**
 * control_open - create the control socket (mode 0600) and serve it.
 * @c: core
 * @path: socket path; its directory is created when missing
 * Returns the server, or NULL (logged).
 */
struct core_control *control_open(struct core *c, const char *path);

/**
 * control_close - disconnect every client and remove the socket file.
 */
void control_close(struct core_control *ctl);

/**
 * control_error - an error reply {"ok":false,"error":TEXT} (caller owns it).
 */
struct json_object *control_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/**
 * control_reply_text - the text of a reply object.
 * @o: the reply (consumed; NULL for an allocation failure)
 * @len: receives the text's length
 * Returns the NUL-terminated text (caller frees), or NULL.
 */
char *control_reply_text(struct json_object *o, size_t *len);

/**
 * control_handle_request - answer one request line (control_cmd.c; pure
 * apart from the actions it triggers on @c).
 * @c: core
 * @line: the request, NUL-terminated, without the newline
 * @len: receives the reply's length
 * Returns the reply's JSON text, NUL-terminated, without a newline (caller
 * frees), or NULL when memory ran out.
 */
char *control_handle_request(struct core *c, const char *line, size_t *len);

#endif
