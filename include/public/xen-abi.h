/*
 * xen-abi.h - Xenith's portability layer for the public ABI headers.
 *
 * The guest ABI is xen-3.0-x86_32p: every structure below must have the
 * layout an i686 compiler gives Xen's own headers. The same headers are also
 * compiled for the x86_64 host (unit tests, host tools), so they may use only
 * fixed-width types and must spell out the i386 member alignment wherever
 * x86_64 would differ:
 *
 *   - "unsigned long" and pointers in Xen's headers are 32 bits on x86_32:
 *     here they are uint32_t (xen_ulong_t, xen_pfn_t, xen_guest_handle_t).
 *   - A plain uint64_t struct member is only 4-byte aligned in the i386
 *     System V ABI. Xen's headers rely on that (vcpu_runstate_info is 44
 *     bytes on x86_32), so such members use xen_uint64_a4_t, whose typedef
 *     lowers the alignment to 4 on every target (GCC and Clang honour a
 *     lowering aligned attribute on a typedef).
 *   - Members that Xen marks uint64_aligned_t keep 8-byte alignment:
 *     xen_uint64_aligned_t.
 *
 * Every structure's size and key offsets are pinned with XEN_ABI_* asserts
 * right after its definition, so a header that drifts fails to compile.
 */
#ifndef XENITH_PUBLIC_XEN_ABI_H
#define XENITH_PUBLIC_XEN_ABI_H

#if !defined(__GNUC__)
#error "the public ABI headers need GCC-compatible __attribute__ support"
#endif

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

/* 64-bit integers with the i386 struct-member alignment (4 bytes). */
typedef uint64_t xen_uint64_a4_t __attribute__((__aligned__(4)));
typedef int64_t xen_int64_a4_t __attribute__((__aligned__(4)));
/* 64-bit integers Xen explicitly aligns to 8 (uint64_aligned_t). */
typedef uint64_t xen_uint64_aligned_t __attribute__((__aligned__(8)));
typedef int64_t xen_int64_aligned_t __attribute__((__aligned__(8)));
#endif

/*
 * Compile-time layout checks. C11 and C++11 have a static assertion; C89 and
 * C99 get the classic negative-array typedef, whose name carries the tag so
 * the failing check is visible in the compiler's message.
 */
#if defined(__cplusplus) && __cplusplus >= 201103L
#define XEN_ABI_CHECK(cond, tag) static_assert(cond, #tag)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define XEN_ABI_CHECK(cond, tag) _Static_assert(cond, #tag)
#else
#define XEN_ABI_CHECK(cond, tag) \
    typedef char xen_abi_check_##tag[(cond) ? 1 : -1]
#endif

/* sizeof(struct tag) == size */
#define XEN_ABI_SIZE(tag, size) \
    XEN_ABI_CHECK(sizeof(struct tag) == (size), size_of_##tag)
/* offsetof(struct tag, member) == off (member must be a plain identifier) */
#define XEN_ABI_OFFSET(tag, member, off) \
    XEN_ABI_CHECK(offsetof(struct tag, member) == (off), offset_##tag##_##member)
/* __alignof__(struct tag) == align: embedding and arrays depend on it. */
#define XEN_ABI_ALIGN(tag, align) \
    XEN_ABI_CHECK(__alignof__(struct tag) == (align), align_of_##tag)

/*
 * A conversion usable from both languages in macros: C++ code built with
 * -Wold-style-cast must not see C casts from these headers.
 */
#ifdef __cplusplus
#define XEN_CAST(type, value) static_cast<type>(value)
#else
#define XEN_CAST(type, value) ((type)(value))
#endif

/*
 * Trailing variable-length arrays: C99 has flexible array members; C89 and
 * C++ get the GNU zero-length form. Neither adds to sizeof.
 */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L && \
    !defined(__cplusplus)
#define XEN_FLEX_ARRAY_DIM
#else
#define XEN_FLEX_ARRAY_DIM 0
#endif

#endif /* XENITH_PUBLIC_XEN_ABI_H */
