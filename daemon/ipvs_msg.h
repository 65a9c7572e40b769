/*
 * ipvs_msg.h - encode requests to and decode replies from the "IPVS" generic
 * netlink family (include/uapi/linux/ip_vs.h). Pure: byte buffers in and out,
 * no sockets, so every message is unit-tested and fuzzed without root.
 *
 * Each encoder writes one complete netlink message at @buf and returns its
 * length (already NLMSG_ALIGNed, so messages can be packed back to back into
 * one send), or 0 when @len < IPVS_MSG_MAX or the request is invalid.
 * Requests that change the table carry NLM_F_REQUEST | NLM_F_ACK; when
 * daemon/ipvs.c packs a batch it keeps the ACK on the last message only
 * (the kernel answers every failed message with its error regardless).
 */
#ifndef DD_IPVS_MSG_H
#define DD_IPVS_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "fwd.h"

/* room for the largest request encoded here */
#define IPVS_MSG_MAX 512

/**
 * ipvs_msg_family_req - CTRL_CMD_GETFAMILY for the family "IPVS".
 * @buf: output
 * @len: size of @buf
 * @seq: sequence number
 * Returns the message length or 0.
 */
size_t ipvs_msg_family_req(void *buf, size_t len, uint32_t seq);

/**
 * ipvs_msg_family_parse - read the family id from a CTRL_CMD_NEWFAMILY reply.
 * @nlh: the reply
 * @id: receives the id
 * Returns 0, or -1 when the message carries no family id.
 */
int ipvs_msg_family_parse(const struct nlmsghdr *nlh, uint16_t *id);

/**
 * ipvs_msg_svc_req - a service request.
 * @buf, @len: output
 * @family: the IPVS genl family id
 * @seq: sequence number
 * @cmd: IPVS_CMD_NEW_SERVICE / SET_SERVICE (every attribute) or
 *       IPVS_CMD_DEL_SERVICE (identity only)
 * @s: the service
 * Returns the message length or 0.
 */
size_t ipvs_msg_svc_req(void *buf, size_t len, uint16_t family, uint32_t seq,
			uint8_t cmd, const struct fwd_svc *s);

/**
 * ipvs_msg_dest_req - a destination request.
 * @cmd: IPVS_CMD_NEW_DEST / SET_DEST (every attribute, tunnel attributes
 *       for FWD_TUNNEL) or IPVS_CMD_DEL_DEST (address and port)
 * @s: the service (identity only is sent)
 * @d: the destination
 * Other parameters and the return value as ipvs_msg_svc_req.
 */
size_t ipvs_msg_dest_req(void *buf, size_t len, uint16_t family, uint32_t seq,
			 uint8_t cmd, const struct fwd_svc *s,
			 const struct fwd_dest *d);

/**
 * ipvs_msg_svc_dump_req - IPVS_CMD_GET_SERVICE with NLM_F_DUMP.
 * Returns the message length or 0.
 */
size_t ipvs_msg_svc_dump_req(void *buf, size_t len, uint16_t family,
			     uint32_t seq);

/**
 * ipvs_msg_dest_dump_req - IPVS_CMD_GET_DEST with NLM_F_DUMP for service @s.
 * Returns the message length or 0.
 */
size_t ipvs_msg_dest_dump_req(void *buf, size_t len, uint16_t family,
			      uint32_t seq, const struct fwd_svc *s);

/**
 * ipvs_msg_daemon_req - start (IPVS_CMD_NEW_DAEMON, every attribute set in
 * @sync) or stop (IPVS_CMD_DEL_DAEMON, state only) a sync daemon.
 * Returns the message length or 0.
 */
size_t ipvs_msg_daemon_req(void *buf, size_t len, uint16_t family, uint32_t seq,
			   uint8_t cmd, const struct fwd_sync *sync);

/**
 * ipvs_msg_timeouts_req - IPVS_CMD_SET_CONFIG with the non-zero timeouts.
 * Returns the message length, or 0 (also when every timeout is 0).
 */
size_t ipvs_msg_timeouts_req(void *buf, size_t len, uint16_t family,
			     uint32_t seq, const struct fwd_timeouts *t);

/**
 * ipvs_msg_flush_req - IPVS_CMD_FLUSH (delete every service).
 * Returns the message length or 0.
 */
size_t ipvs_msg_flush_req(void *buf, size_t len, uint16_t family, uint32_t seq);

/**
 * ipvs_msg_svc_parse - decode an IPVS_CMD_NEW_SERVICE reply (a dump part).
 * @nlh: the message
 * @s: receives the service
 * @c: receives its counters (NULL: not wanted)
 * Returns 0, or -1 when the message is not a valid service.
 */
int ipvs_msg_svc_parse(const struct nlmsghdr *nlh, struct fwd_svc *s,
		       struct fwd_counters *c);

/**
 * ipvs_msg_dest_parse - decode an IPVS_CMD_NEW_DEST reply (a dump part).
 * @nlh: the message
 * @svc_af: the service's family (used when the kernel sends no
 *          IPVS_DEST_ATTR_ADDR_FAMILY)
 * @d: receives the destination
 * @c: receives its counters (NULL: not wanted)
 * Returns 0, or -1 when the message is not a valid destination.
 */
int ipvs_msg_dest_parse(const struct nlmsghdr *nlh, int svc_af,
			struct fwd_dest *d, struct fwd_counters *c);

/**
 * ipvs_msg_ack - read an NLMSG_ERROR message (an ack or a failure).
 * @nlh: the message
 * @err: receives 0 or the negative errno
 * Returns 1 when @nlh is a complete NLMSG_ERROR, 0 otherwise.
 */
int ipvs_msg_ack(const struct nlmsghdr *nlh, int *err);

#endif
