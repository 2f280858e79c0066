/*
 * xen-compat.h - interface version selection.
 *
 * A guest built against Xen's headers states the interface version it was
 * written for in __XEN_INTERFACE_VERSION__; Xen's headers then show the
 * names of that era. Xenith's headers describe one layout only, the latest
 * one it implements, and exist to let code test the version it compiles
 * against. Defining an older version is allowed but changes nothing here.
 */
#ifndef XENITH_PUBLIC_XEN_COMPAT_H
#define XENITH_PUBLIC_XEN_COMPAT_H

/* Xen 4.14's interface: the newest one these headers describe. */
#define __XEN_LATEST_INTERFACE_VERSION__ 0x00040e00

#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ __XEN_LATEST_INTERFACE_VERSION__
#endif

#if __XEN_INTERFACE_VERSION__ > __XEN_LATEST_INTERFACE_VERSION__
#error "__XEN_INTERFACE_VERSION__ is newer than these headers describe"
#endif

#endif /* XENITH_PUBLIC_XEN_COMPAT_H */
