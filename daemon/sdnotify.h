/* sdnotify.h - systemd readiness notification without libsystemd. */
#ifndef DD_SDNOTIFY_H
#define DD_SDNOTIFY_H

/**
 * sd_notify_state - send @state ("READY=1", "RELOADING=1", "STOPPING=1"...)
 * to the datagram socket named by $NOTIFY_SOCKET ('@' = abstract name).
 * Returns 1 when sent, 0 when $NOTIFY_SOCKET is unset, -1 on error (logged).
 */
int sd_notify_state(const char *state);

#endif
