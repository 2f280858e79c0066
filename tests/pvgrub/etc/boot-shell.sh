# PV GRUB's prompt on the attached console; once the kernel typed at it has
# powered off and the domain is destroyed, the console comes back here.
create -c /etc/xen/pvgrub-shell.cfg
list
