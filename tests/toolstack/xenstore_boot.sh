# toolstack_xenstore: what the guest wrote is in the store; the PV
# shutdown protocol ends it (no forcing); nothing of it stays.
status
create /etc/xen/xsguest.cfg
sleep 2
xenstore-read /local/domain/1/data/probe
xenstore-read /local/domain/1/data/tx
shutdown -w xsguest
status
poweroff
