// Xen errno values (public/errno.h): hypercalls return their negation.
#pragma once

enum Xen_errno : int {
    XEN_EPERM = 1,
    XEN_ENOENT = 2,
    XEN_ESRCH = 3,
    XEN_EINTR = 4,
    XEN_ENOMEM = 12,
    XEN_EACCES = 13,
    XEN_EFAULT = 14,
    XEN_EBUSY = 16,
    XEN_EEXIST = 17,
    XEN_EINVAL = 22,
    XEN_ENOSYS = 38,
};
