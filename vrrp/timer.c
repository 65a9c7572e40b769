/* timer.c - VRRP timer arithmetic in microseconds (pure). */
#include "timer.h"

/* RFC 5798 §6.1: Skew_Time; keepalived's VRRP_TIMER_SKEW. */
uint64_t vrrp_timer_skew_us(int version, unsigned priority,
			    uint64_t master_adver_int_us)
{
	uint64_t pri = 256 - (priority > 255 ? 255 : priority);

	if (version == 3)
		/* 625 / 16 == VRRP_TIMER_CENTI_HZ / 256, kept in this order
		 * so the truncations match keepalived's */
		return pri * (master_adver_int_us / VRRP_TIMER_CENTI_HZ) * 625 /
		       16;
	return pri * VRRP_TIMER_HZ / 256;
}

/* RFC 5798 §6.1: Master_Down_Interval; keepalived's VRRP_MS_DOWN_TIMER. */
uint64_t vrrp_timer_master_down_us(int version, unsigned priority,
				   uint64_t master_adver_int_us,
				   unsigned down_timer_adverts)
{
	if (!down_timer_adverts)
		down_timer_adverts = VRRP_DOWN_TIMER_ADVERTS;
	return down_timer_adverts * master_adver_int_us +
	       vrrp_timer_skew_us(version, priority, master_adver_int_us);
}

uint16_t vrrp_timer_us_to_cs(uint64_t us)
{
	uint64_t cs = us / VRRP_TIMER_CENTI_HZ;

	if (cs < 1)
		return 1;
	if (cs > 4095) /* Max Adver Int is 12 bits (RFC 5798 §5.2.7) */
		return 4095;
	return (uint16_t)cs;
}

uint8_t vrrp_timer_us_to_s(uint64_t us)
{
	uint64_t s = us / VRRP_TIMER_HZ;

	if (s < 1)
		return 1;
	if (s > 255) /* Adver Int is 8 bits (RFC 3768 §5.3.7) */
		return 255;
	return (uint8_t)s;
}

uint16_t vrrp_timer_us_to_wire(int version, uint64_t us)
{
	return version == 3 ? vrrp_timer_us_to_cs(us) : vrrp_timer_us_to_s(us);
}

uint64_t vrrp_timer_wire_to_us(int version, uint16_t wire)
{
	if (version == 3) {
		wire &= 0x0fff;
		return (wire ? wire : 1) * VRRP_TIMER_CENTI_HZ;
	}
	wire &= 0xff;
	return (wire ? wire : 1) * VRRP_TIMER_HZ;
}
