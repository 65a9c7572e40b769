/*
 * timer.h - VRRP timer arithmetic in microseconds (pure).
 *
 * Skew_Time and Master_Down_Interval (RFC 5798 §6.1, RFC 3768 §6.1)
 * computed exactly as keepalived does, so a mixed directord/keepalived pair
 * fails over on the same schedule:
 *   v2: skew = (256 - prio) * 1000000 / 256 us
 *   v3: skew = (256 - prio) * centisecs(Master_Adver_Interval) * 625 / 16 us
 *       (625 / 16 == 10000 / 256; centisecs truncates the interval)
 *   Master_Down_Interval = down_timer_adverts * Master_Adver_Interval + skew
 * e.g. advert_int 1 s, 3 adverts: prio 100 -> 3609375 us, 200 -> 3218750 us,
 * 254 -> 3007812 us.
 */
#ifndef DD_VRRP_TIMER_H
#define DD_VRRP_TIMER_H

#include <stdint.h>

#define VRRP_TIMER_HZ 1000000ULL /* microseconds per second */
#define VRRP_TIMER_CENTI_HZ 10000ULL /* microseconds per centisecond */
#define VRRP_DOWN_TIMER_ADVERTS 3 /* RFC: 3 * Master_Adver_Interval */

/**
 * vrrp_timer_skew_us - Skew_Time.
 * @version: 2 or 3
 * @priority: priority used for the skew (keepalived: effective priority);
 *            values above 255 are treated as 255
 * @master_adver_int_us: Master_Adver_Interval (v3; ignored for v2)
 * Returns the skew in microseconds.
 */
uint64_t vrrp_timer_skew_us(int version, unsigned priority,
			    uint64_t master_adver_int_us);

/**
 * vrrp_timer_master_down_us - Master_Down_Interval.
 * @version: 2 or 3
 * @priority: as for vrrp_timer_skew_us()
 * @master_adver_int_us: Master_Adver_Interval (v2: the configured interval)
 * @down_timer_adverts: keepalived's down_timer_adverts (RFC: 3); 0 means 3
 * Returns down_timer_adverts * master_adver_int_us + skew, in microseconds.
 */
uint64_t vrrp_timer_master_down_us(int version, unsigned priority,
				   uint64_t master_adver_int_us,
				   unsigned down_timer_adverts);

/**
 * vrrp_timer_us_to_wire - advert interval for the packet.
 * @version: 2 (seconds, 1..255) or 3 (centiseconds, 1..4095)
 * @us: interval in microseconds
 * Truncates to the unit (as keepalived), then clamps into the range.
 * Returns the on-wire value.
 */
uint16_t vrrp_timer_us_to_wire(int version, uint64_t us);

/**
 * vrrp_timer_wire_to_us - advert interval from a packet.
 * @version: 2 (seconds) or 3 (centiseconds; only the low 12 bits count)
 * @wire: on-wire value; 0 is read as 1 unit so a bogus advert never yields
 *        a zero-length timer
 * Returns the interval in microseconds.
 */
uint64_t vrrp_timer_wire_to_us(int version, uint16_t wire);

/**
 * vrrp_timer_us_to_cs - microseconds to v3 centiseconds, clamped 1..4095.
 * Returns the centiseconds.
 */
uint16_t vrrp_timer_us_to_cs(uint64_t us);

/**
 * vrrp_timer_us_to_s - microseconds to v2 seconds, clamped 1..255.
 * Returns the seconds.
 */
uint8_t vrrp_timer_us_to_s(uint64_t us);

#endif
