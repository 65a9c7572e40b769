/* sock.c - raw VRRP sockets shared per (family, interface). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evloop.h"
#include "log.h"
#include "packet.h"
#include "sock.h"

struct vrrp_sock {
	struct vrrp_sock *next;
	struct ev_loop *loop;
	int fd;
	int family;
	unsigned ifindex;
	char ifname[IFNAMSIZ];
	int refs;
	bool joined; /* to the group, for a multicast instance */
	uint64_t unknown;
	uint64_t send_errors;
	vrrp_sock_rx_cb cb[256];
	void *inst[256];
};

static void sock_read(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	struct vrrp_sock *s = arg;
	uint8_t buf[VRRP_PKT_MAX + 64];
	union {
		struct cmsghdr h;
		uint8_t b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
			  CMSG_SPACE(sizeof(int))];
	} ctl;
	struct sockaddr_in6 from;
	struct vrrp_rx rx;
	int i, vrid;

	/* bounded so a flood cannot starve the timers */
	for (i = 0; i < 64; i++) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = {
			.msg_name = &from,
			.msg_namelen = sizeof(from),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = &ctl,
			.msg_controllen = sizeof(ctl),
		};
		struct cmsghdr *c;
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_err("%s: VRRP receive: %s", s->ifname,
					strerror(errno));
			return;
		}
		memset(&rx, 0, sizeof(rx));
		rx.buf = buf;
		rx.len = (size_t)n;
		rx.family = s->family;
		rx.hoplimit = -1;
		if (s->family == AF_INET6) {
			rx.src.family = AF_INET6;
			rx.src.u.v6 = from.sin6_addr;
			for (c = CMSG_FIRSTHDR(&mh); c;
			     c = CMSG_NXTHDR(&mh, c)) {
				if (c->cmsg_level != IPPROTO_IPV6)
					continue;
				if (c->cmsg_type == IPV6_PKTINFO) {
					struct in6_pktinfo pi;

					memcpy(&pi, CMSG_DATA(c), sizeof(pi));
					rx.dst.family = AF_INET6;
					rx.dst.u.v6 = pi.ipi6_addr;
				} else if (c->cmsg_type == IPV6_HOPLIMIT) {
					memcpy(&rx.hoplimit, CMSG_DATA(c),
					       sizeof(int));
				}
			}
		}
		vrid = vrrp_pkt_peek_vrid(buf, rx.len, s->family);
		if (vrid < 0 || !s->cb[vrid]) {
			s->unknown++;
			continue;
		}
		s->cb[vrid](s->inst[vrid], &rx);
	}
}

static int set_opt(int fd, int level, int name, int val, const char *what)
{
	if (setsockopt(fd, level, name, &val, sizeof(val)) < 0) {
		log_err("VRRP socket: %s: %s", what, strerror(errno));
		return -1;
	}
	return 0;
}

static int sock_setup(struct vrrp_sock *s)
{
	int fd = s->fd;

	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, s->ifname,
		       (socklen_t)strlen(s->ifname)) < 0) {
		log_err("%s: SO_BINDTODEVICE: %s", s->ifname, strerror(errno));
		return -1;
	}
	if (s->family == AF_INET) {
		struct ip_mreqn mr = { .imr_ifindex = (int)s->ifindex };

		if (set_opt(fd, IPPROTO_IP, IP_HDRINCL, 1, "IP_HDRINCL") ||
		    set_opt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0,
			    "mcast loop") ||
		    set_opt(fd, IPPROTO_IP, IP_MULTICAST_TTL, VRRP_TTL,
			    "TTL") ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr,
			       sizeof(mr)) < 0)
			return -1;
		return 0;
	}
	if (set_opt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "RECVPKTINFO") ||
	    set_opt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "RECVHOPLIMIT") ||
	    set_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "mcast loop") ||
	    set_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VRRP_TTL, "hops") ||
	    set_opt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, VRRP_TTL, "hops") ||
	    set_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, (int)s->ifindex,
		    "IPV6_MULTICAST_IF"))
		return -1;
	return 0;
}

/* sock_join - join @group on the socket's interface, once. Only a multicast
 * instance asks: one with unicast peers does not join (as keepalived), so a
 * pair of unicast directors does not take in the multicast adverts of
 * another pair with the same VRID on the segment. The membership stays
 * until the socket closes. */
static int sock_join(struct vrrp_sock *s, const struct addr *group)
{
	int r = 0;

	if (s->joined || !group || group->family != s->family)
		return 0;
	if (s->family == AF_INET) {
		struct ip_mreqn mr = { .imr_ifindex = (int)s->ifindex,
				       .imr_multiaddr = group->u.v4 };

		r = setsockopt(s->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
			       sizeof(mr));
	} else {
		struct ipv6_mreq mr = { .ipv6mr_multiaddr = group->u.v6,
					.ipv6mr_interface = s->ifindex };

		r = setsockopt(s->fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr,
			       sizeof(mr));
	}
	if (r < 0) {
		log_err("%s: join group: %s", s->ifname, strerror(errno));
		return -1;
	}
	s->joined = true;
	return 0;
}

struct vrrp_sock *vrrp_sock_get(struct vrrp_sock **pool, struct ev_loop *l,
				int family, const char *ifname,
				const struct addr *group)
{
	struct vrrp_sock *s;

	for (s = *pool; s; s = s->next) {
		if (s->family == family && !strcmp(s->ifname, ifname)) {
			if (sock_join(s, group) < 0)
				return NULL;
			s->refs++;
			return s;
		}
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->loop = l;
	s->family = family;
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	s->ifindex = if_nametoindex(ifname);
	if (!s->ifindex) {
		log_err("%s: no such interface", ifname);
		free(s);
		return NULL;
	}
	s->fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       VRRP_IPPROTO);
	if (s->fd < 0) {
		log_err("%s: VRRP socket: %s", ifname, strerror(errno));
		free(s);
		return NULL;
	}
	if (sock_setup(s) < 0 || sock_join(s, group) < 0 ||
	    ev_fd_add(l, s->fd, EPOLLIN, sock_read, s) < 0) {
		close(s->fd);
		free(s);
		return NULL;
	}
	s->refs = 1;
	s->next = *pool;
	*pool = s;
	return s;
}

void vrrp_sock_put(struct vrrp_sock **pool, struct vrrp_sock *s)
{
	struct vrrp_sock **pp;

	if (!s || --s->refs > 0)
		return;
	for (pp = pool; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	ev_fd_del(s->loop, s->fd);
	close(s->fd);
	free(s);
}

int vrrp_sock_attach(struct vrrp_sock *s, unsigned vrid, vrrp_sock_rx_cb cb,
		     void *inst)
{
	if (vrid > 255 || (s->cb[vrid] && s->inst[vrid] != inst)) {
		log_err("%s: VRID %u is already used on this interface",
			s->ifname, vrid);
		return -1;
	}
	s->cb[vrid] = cb;
	s->inst[vrid] = inst;
	return 0;
}

void vrrp_sock_detach(struct vrrp_sock *s, unsigned vrid, void *inst)
{
	if (vrid <= 255 && s->inst[vrid] == inst) {
		s->cb[vrid] = NULL;
		s->inst[vrid] = NULL;
	}
}

uint64_t vrrp_sock_unknown(const struct vrrp_sock *s)
{
	return s->unknown;
}

const struct vrrp_sock *vrrp_sock_next(const struct vrrp_sock *s)
{
	return s->next;
}

const char *vrrp_sock_ifname(const struct vrrp_sock *s)
{
	return s->ifname;
}

int vrrp_sock_family(const struct vrrp_sock *s)
{
	return s->family;
}

int vrrp_sock_send(struct vrrp_sock *s, const void *pkt, size_t len,
		   const struct addr *src, const struct addr *dst, int hops)
{
	char ab[ADDR_STRLEN];
	ssize_t n;

	if (s->family == AF_INET) {
		struct sockaddr_in sin = { .sin_family = AF_INET,
					   .sin_addr = dst->u.v4 };

		n = sendto(s->fd, pkt, len, 0, (struct sockaddr *)&sin,
			   sizeof(sin));
	} else {
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
					     .sin6_addr = dst->u.v6,
					     .sin6_scope_id = s->ifindex };
		union {
			struct cmsghdr h;
			uint8_t b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
				  CMSG_SPACE(sizeof(int))];
		} ctl;
		struct iovec iov = { (void *)pkt, len };
		struct msghdr mh = {
			.msg_name = &sin6,
			.msg_namelen = sizeof(sin6),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = &ctl,
			.msg_controllen = sizeof(ctl),
		};
		struct in6_pktinfo pi = { .ipi6_ifindex = s->ifindex };
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		if (src && src->family == AF_INET6)
			pi.ipi6_addr = src->u.v6;
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		c = CMSG_NXTHDR(&mh, c);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_HOPLIMIT;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &hops, sizeof(int));
		n = sendmsg(s->fd, &mh, 0);
	}
	if (n < 0) {
		/* the 1st, 2nd, 4th... failure: visible but bounded (a
		 * firewall dropping every advert would flood the log) */
		s->send_errors++;
		if (!(s->send_errors & (s->send_errors - 1)))
			log_err("%s: VRRP send to %s: %s (%llu failures)",
				s->ifname, addr_fmt(dst, ab), strerror(errno),
				(unsigned long long)s->send_errors);
		return -1;
	}
	return 0;
}

int vrrp_sock_if_addr(const char *ifname, int family, vrrp_sock_skip_fn skip,
		      void *arg, struct addr *out)
{
	struct ifaddrs *ifa, *i;
	size_t nlen = strlen(ifname);
	int rc = -1;

	if (getifaddrs(&ifa) < 0)
		return -1;
	for (i = ifa; i && rc < 0; i = i->ifa_next) {
		struct addr a = { .family = family };

		/* IPv4 labels appear as "ifname:label" */
		if (!i->ifa_addr || i->ifa_addr->sa_family != family ||
		    strncmp(i->ifa_name, ifname, nlen) ||
		    (i->ifa_name[nlen] && i->ifa_name[nlen] != ':'))
			continue;
		if (family == AF_INET) {
			a.u.v4 = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
		} else {
			a.u.v6 =
				((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
			if (!IN6_IS_ADDR_LINKLOCAL(&a.u.v6))
				continue;
		}
		if (skip && skip(arg, &a))
			continue;
		*out = a;
		rc = 0;
	}
	freeifaddrs(ifa);
	return rc;
}
