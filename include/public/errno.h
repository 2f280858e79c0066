/*
 * errno.h - error numbers returned by hypercalls (as their negation).
 *
 * The values are those of x86 Linux, so a Linux guest can pass them on.
 * Each is an enumerator XEN_E<name> of enum xen_errno. Alternatively, an
 * includer may define XEN_ERRNO(name, value) before including this file to
 * expand the list its own way (no include guard then, and XEN_ERRNO is
 * undefined afterwards). Define XEN_ERRNO_INTERNAL to also get the two
 * values that only exist inside the hypervisor.
 */
#ifndef XEN_ERRNO

#ifndef XENITH_PUBLIC_ERRNO_H
#define XENITH_PUBLIC_ERRNO_H
#define XENITH_ERRNO_AS_ENUM
#ifndef __ASSEMBLY__
#define XEN_ERRNO(name, value) XEN_##name = value,
enum xen_errno {
#else
#define XEN_ERRNO(name, value) .equ XEN_##name, value
#endif
#endif /* XENITH_PUBLIC_ERRNO_H */

#endif /* !XEN_ERRNO */

#ifdef XEN_ERRNO
XEN_ERRNO(EPERM, 1)          /* operation not permitted */
XEN_ERRNO(ENOENT, 2)         /* no such entry */
XEN_ERRNO(ESRCH, 3)          /* no such domain or vCPU */
XEN_ERRNO(EIO, 5)            /* I/O error */
XEN_ERRNO(ENXIO, 6)          /* no such device or address */
XEN_ERRNO(E2BIG, 7)          /* argument list too long */
XEN_ERRNO(ENOEXEC, 8)        /* bad executable format */
XEN_ERRNO(EBADF, 9)          /* bad handle */
XEN_ERRNO(ECHILD, 10)        /* no child */
XEN_ERRNO(EAGAIN, 11)        /* try again */
XEN_ERRNO(EWOULDBLOCK, 11)   /* same as EAGAIN */
XEN_ERRNO(ENOMEM, 12)        /* out of memory */
XEN_ERRNO(EACCES, 13)        /* permission denied */
XEN_ERRNO(EFAULT, 14)        /* bad guest address */
XEN_ERRNO(EBUSY, 16)         /* resource busy */
XEN_ERRNO(EEXIST, 17)        /* already exists */
XEN_ERRNO(EXDEV, 18)         /* cross-device link */
XEN_ERRNO(ENODEV, 19)        /* no such device */
XEN_ERRNO(EISDIR, 21)        /* is a directory */
XEN_ERRNO(EINVAL, 22)        /* invalid argument */
XEN_ERRNO(ENFILE, 23)        /* table overflow */
XEN_ERRNO(EMFILE, 24)        /* too many open handles */
XEN_ERRNO(ENOSPC, 28)        /* no space left */
XEN_ERRNO(EROFS, 30)         /* read-only */
XEN_ERRNO(EMLINK, 31)        /* too many links */
XEN_ERRNO(EDOM, 33)          /* argument out of domain */
XEN_ERRNO(ERANGE, 34)        /* result out of range */
XEN_ERRNO(EDEADLK, 35)       /* deadlock would occur */
XEN_ERRNO(EDEADLOCK, 35)     /* same as EDEADLK */
XEN_ERRNO(ENAMETOOLONG, 36)  /* name too long */
XEN_ERRNO(ENOLCK, 37)        /* no locks available */
XEN_ERRNO(ENOSYS, 38)        /* function not implemented */
XEN_ERRNO(ENOTEMPTY, 39)     /* not empty */
XEN_ERRNO(ENODATA, 61)       /* no data available */
XEN_ERRNO(ETIME, 62)         /* timer expired / deadline passed */
XEN_ERRNO(EBADMSG, 74)       /* not a data message */
XEN_ERRNO(EOVERFLOW, 75)     /* value too large */
XEN_ERRNO(EILSEQ, 84)        /* illegal byte sequence */
#ifdef XEN_ERRNO_INTERNAL
/* Hypervisor-internal: must never reach a guest. */
XEN_ERRNO(EINTR, 4)          /* interrupted */
XEN_ERRNO(ERESTART, 85)      /* restart the hypercall (continuation) */
#endif
XEN_ERRNO(ENOTSOCK, 88)      /* not a socket */
XEN_ERRNO(EOPNOTSUPP, 95)    /* operation not supported */
XEN_ERRNO(EADDRINUSE, 98)    /* address in use */
XEN_ERRNO(EADDRNOTAVAIL, 99) /* address not available */
XEN_ERRNO(ENOBUFS, 105)      /* no buffer space */
XEN_ERRNO(EISCONN, 106)      /* already connected */
XEN_ERRNO(ENOTCONN, 107)     /* not connected */
XEN_ERRNO(ETIMEDOUT, 110)    /* timed out */
#undef XEN_ERRNO
#endif /* XEN_ERRNO */

#ifdef XENITH_ERRNO_AS_ENUM
#undef XENITH_ERRNO_AS_ENUM
#ifndef __ASSEMBLY__
};
#endif
#endif
