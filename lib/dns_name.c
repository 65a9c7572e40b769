/* dns_name.c - domain names in DNS wire format (RFC 1035 section 3.1). */
#include <string.h>

#include "dns_name.h"

int dns_name_encode(uint8_t *buf, size_t len, const char *name)
{
	size_t o = 0;
	const char *s = name;

	if (!strcmp(s, "."))
		s++; /* the root alone; elsewhere a dot ends a label */
	while (*s) {
		size_t l = strcspn(s, ".");

		/* an empty label ("a..b", ".a") is not a name; the length
		 * byte and the root label that follows must fit */
		if (l == 0 || l > 63 || o + 1 + l + 1 > DNS_NAME_WIRE_MAX ||
		    o + 1 + l + 1 > len)
			return -1;
		buf[o++] = (uint8_t)l;
		memcpy(buf + o, s, l);
		o += l;
		s += l;
		if (*s == '.')
			s++;
	}
	if (o + 1 > len)
		return -1;
	buf[o++] = 0;
	return (int)o;
}
