# PV GRUB boots hello.elf by itself; its lines are mirrored as [pvgrub].
create /etc/xen/pvgrub.cfg
