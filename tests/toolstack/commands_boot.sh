# toolstack_commands: the rest of the xl commands against a running domain.
status
create /etc/xen/echo.cfg
sleep 1
pause echo
list echo
unpause echo
list echo
sched-credit -d echo -w 512 -c 50
sched-credit
vcpu-pin echo 0 1
vcpu-list echo
mem-max echo 32
mem-set echo 8
xenstore-read /local/domain/1/memory/target
vcpu-set echo 1
rename echo echo2
domid echo2
domname 1
uptime
info
dmesg
create /etc/xen/huge.cfg
create /etc/xen/echo.cfg name='echo2'
pause nosuch
destroy echo2
# A shutdown's grace (10 s) must end during a longer sleep, not with it.
create /etc/xen/echo.cfg name='late'
shutdown late
sleep 15
list
status
poweroff
