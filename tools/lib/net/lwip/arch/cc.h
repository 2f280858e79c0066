/* lwIP's compiler/platform header for Xenith (host tests and the
 * freestanding i686 dom0): little-endian, C99 fixed-width types, no
 * printf, assertions reported through our port (sys_port.cpp). */
#ifndef XENITH_LWIP_ARCH_CC_H
#define XENITH_LWIP_ARCH_CC_H

#define BYTE_ORDER LITTLE_ENDIAN

/* dom0 has no libc: lwIP then uses its own ctype macros, and needs no
 * <inttypes.h> (the formatters below are used only by debug output, which
 * is off). */
#define LWIP_NO_CTYPE_H 1
#define LWIP_NO_INTTYPES_H 1
#define X8_F  "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

#ifdef __cplusplus
extern "C" {
#endif
void xenith_lwip_assert(const char* msg, const char* file, int line);
unsigned int xenith_lwip_rand(void);
#ifdef __cplusplus
}
#endif

#define LWIP_PLATFORM_DIAG(x) do { } while (0)
#define LWIP_PLATFORM_ASSERT(x) xenith_lwip_assert((x), __FILE__, __LINE__)
#define LWIP_RAND() ((u32_t)xenith_lwip_rand())

#endif
