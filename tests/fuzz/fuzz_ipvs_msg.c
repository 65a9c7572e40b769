/*
 * fuzz_ipvs_msg.c - libFuzzer target for the IPVS generic-netlink reply
 * decoders (daemon/ipvs_msg.c): ipvs_msg_family_parse, ipvs_msg_svc_parse,
 * ipvs_msg_dest_parse and ipvs_msg_ack.
 *
 * Not part of the automake build; tests/fuzz/run.sh builds and runs it.
 *
 * Input: one netlink message (struct nlmsghdr first). nlmsg_len is set to
 * the input size, as the receive loop only hands over messages whose length
 * fits the datagram, so the decoders see arbitrary attributes rather than
 * a length mismatch. The size is rounded down to NLMSG_ALIGNTO: libmnl
 * bounds attributes by NLMSG_ALIGN(nlmsg_len), the kernel only sends
 * aligned lengths, and daemon/ipvs.c parses inside its larger receive
 * buffer, so up to 3 padding bytes past an unaligned nlmsg_len are read
 * there by design. The message is copied to a buffer of exactly that size
 * so ASan sees any read past it. Every decoder runs on every input (each
 * checks the type or genl command it wants). The seeds in corpus_ipvs_msg/
 * (written by gen_corpus.py) are kernel-style replies: NEWFAMILY, services
 * and destinations with STATS and STATS64, acks and errors.
 *
 * Invariants checked (__builtin_trap() on violation):
 * - a decoded service or destination has family AF_INET or AF_INET6, an
 *   address of that family (fwmark services: none), NUL-terminated names
 *   and a forwarding method within IP_VS_CONN_F_FWD_MASK;
 * - re-encoding it with ipvs_msg_svc_req / ipvs_msg_dest_req and decoding
 *   the request gives the same service / destination back;
 * - a family id is never 0; an ack's error is 0 or negative.
 */
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "daemon/ipvs_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_svc(const struct fwd_svc *s)
{
	uint8_t buf[IPVS_MSG_MAX];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct fwd_svc s2;

	if (s->af != AF_INET && s->af != AF_INET6)
		__builtin_trap();
	if (s->fwmark ? s->addr.family != 0 : s->addr.family != s->af)
		__builtin_trap();
	if (!memchr(s->sched, 0, sizeof(s->sched)) ||
	    !memchr(s->pe_name, 0, sizeof(s->pe_name)))
		__builtin_trap();
	/* the encoder refuses a service without a scheduler */
	if (!s->sched[0])
		return;
	if (!ipvs_msg_svc_req(buf, sizeof(buf), 0x20, 1, IPVS_CMD_NEW_SERVICE,
			      s))
		__builtin_trap();
	if (ipvs_msg_svc_parse(nlh, &s2, NULL) < 0)
		__builtin_trap();
	if (s2.af != s->af || s2.fwmark != s->fwmark ||
	    s2.protocol != s->protocol || s2.port != s->port ||
	    memcmp(&s2.addr, &s->addr, sizeof(s2.addr)) ||
	    strcmp(s2.sched, s->sched) || strcmp(s2.pe_name, s->pe_name) ||
	    s2.flags != (s->flags & ~(uint32_t)FWD_SVC_F_HASHED) ||
	    s2.timeout != s->timeout || s2.netmask != s->netmask)
		__builtin_trap();
}

static void check_dest(const struct fwd_dest *d, int svc_af)
{
	static const struct fwd_svc svc = { .af = AF_INET, .fwmark = 1 };
	uint8_t buf[IPVS_MSG_MAX];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct fwd_dest d2;
	bool tun = d->method == FWD_TUNNEL;

	if (d->addr.family != AF_INET && d->addr.family != AF_INET6)
		__builtin_trap();
	if ((uint32_t)d->method & ~(uint32_t)IP_VS_CONN_F_FWD_MASK)
		__builtin_trap();
	if (!ipvs_msg_dest_req(buf, sizeof(buf), 0x20, 1, IPVS_CMD_NEW_DEST,
			       &svc, d))
		__builtin_trap();
	if (ipvs_msg_dest_parse(nlh, svc_af, &d2, NULL) < 0)
		__builtin_trap();
	if (memcmp(&d2.addr, &d->addr, sizeof(d2.addr)) || d2.port != d->port ||
	    d2.method != d->method || d2.weight != d->weight ||
	    d2.u_thresh != d->u_thresh || d2.l_thresh != d->l_thresh ||
	    d2.tun_type != (tun ? d->tun_type : 0) ||
	    d2.tun_port != (tun ? d->tun_port : 0) ||
	    d2.tun_flags != (tun ? d->tun_flags : 0))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int afs[] = { AF_INET, AF_INET6 };
	struct nlmsghdr *nlh;
	struct fwd_svc s;
	struct fwd_dest d;
	struct fwd_counters c;
	uint16_t id = 0;
	size_t i;
	int err = 1;

	size &= ~(size_t)(NLMSG_ALIGNTO - 1);
	if (size < sizeof(*nlh) || size > UINT32_MAX)
		return 0;
	nlh = malloc(size);
	if (!nlh)
		return 0;
	memcpy(nlh, data, size);
	nlh->nlmsg_len = (uint32_t)size;

	if (ipvs_msg_family_parse(nlh, &id) == 0 && id == 0)
		__builtin_trap();
	if (ipvs_msg_ack(nlh, &err) == 1 && err > 0)
		__builtin_trap();
	if (ipvs_msg_svc_parse(nlh, &s, &c) == 0)
		check_svc(&s);
	for (i = 0; i < sizeof(afs) / sizeof(afs[0]); i++)
		if (ipvs_msg_dest_parse(nlh, afs[i], &d, &c) == 0)
			check_dest(&d, afs[i]);
	free(nlh);
	return 0;
}
