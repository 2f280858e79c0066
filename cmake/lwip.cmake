# lwIP 2.1, from Debian's `lwip` source package, fetched at configure time
# into the build tree and never committed (docs/design.md). Our own port
# (tools/lib/net/lwip) and C++ API (tools/lib/net) are built on it.
#
#   -DLWIP_TARBALL=/path/to/lwip_2.1.3+dfsg1.orig.tar.xz   use this file
#                                                          instead of apt
# Sets LWIP_DIR (the unpacked tree's src/ folder).
#
# `apt-get source --download-only` needs a deb-src entry for Debian main
# (tools/dev.sh deps writes one) but no root and no dpkg-source: we unpack
# the orig tarball ourselves after checking its SHA-256 against the pin
# below, taken from the package's .dsc (Checksums-Sha256). Debian's own
# patches are not applied: we build upstream 2.1.3 as released.
set(LWIP_DEB_VERSION 2.1.3+dfsg1-2)
set(LWIP_ORIG_NAME lwip_2.1.3+dfsg1.orig.tar.xz)
set(LWIP_ORIG_SHA256 0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24)
set(LWIP_TARBALL "" CACHE FILEPATH
  "lwIP orig tarball (${LWIP_ORIG_NAME}); empty: fetch it with apt-get source")

set(_lwip_dl ${PROJECT_BINARY_DIR}/_deps/lwip)
file(MAKE_DIRECTORY ${_lwip_dl})
if(LWIP_TARBALL)
  set(_lwip_tar ${LWIP_TARBALL})
else()
  set(_lwip_tar ${_lwip_dl}/${LWIP_ORIG_NAME})
  if(NOT EXISTS ${_lwip_tar})
    find_program(APT_GET apt-get)
    if(NOT APT_GET)
      message(FATAL_ERROR "lwIP: apt-get not found; pass -DLWIP_TARBALL=<path to ${LWIP_ORIG_NAME}>")
    endif()
    message(STATUS "lwIP: apt-get source --download-only lwip=${LWIP_DEB_VERSION}")
    execute_process(COMMAND ${APT_GET} source --download-only lwip=${LWIP_DEB_VERSION}
      WORKING_DIRECTORY ${_lwip_dl} RESULT_VARIABLE _rc
      OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
    if(NOT _rc EQUAL 0 OR NOT EXISTS ${_lwip_tar})
      message(FATAL_ERROR "lwIP: `apt-get source --download-only lwip=${LWIP_DEB_VERSION}` "
        "failed (${_rc}):\n${_err}\nRun `tools/dev.sh deps` (it adds Debian's deb-src "
        "entry and runs apt-get update), or pass -DLWIP_TARBALL=<path to ${LWIP_ORIG_NAME}>.")
    endif()
  endif()
endif()

file(SHA256 ${_lwip_tar} _sum)
if(NOT _sum STREQUAL LWIP_ORIG_SHA256)
  message(FATAL_ERROR "lwIP: ${_lwip_tar} has SHA-256 ${_sum}, expected ${LWIP_ORIG_SHA256} "
    "(${LWIP_ORIG_NAME} of Debian's lwip ${LWIP_DEB_VERSION}). Delete it to fetch again.")
endif()

# Unpack once per checksum: a stamp names what was unpacked.
set(_lwip_src ${_lwip_dl}/src)
set(_stamp ${_lwip_src}/.unpacked)
set(_want "${LWIP_ORIG_SHA256}")
set(_have "")
if(EXISTS ${_stamp})
  file(READ ${_stamp} _have)
endif()
if(NOT _have STREQUAL _want)
  file(REMOVE_RECURSE ${_lwip_src})
  file(MAKE_DIRECTORY ${_lwip_src})
  execute_process(COMMAND ${CMAKE_COMMAND} -E tar xf ${_lwip_tar}
    WORKING_DIRECTORY ${_lwip_src} RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0 OR NOT EXISTS ${_lwip_src}/lwip-2.1.3/src/core/tcp.c)
    message(FATAL_ERROR "lwIP: unpacking ${_lwip_tar} failed")
  endif()
  file(WRITE ${_stamp} "${_want}")
endif()
set(LWIP_DIR ${_lwip_src}/lwip-2.1.3/src)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_lwip_tar})

# What a NO_SYS IPv4 stack with ARP, DHCP (over UDP), ICMP and TCP needs.
set(LWIP_CORE_SOURCES
  core/init.c core/def.c core/inet_chksum.c core/ip.c core/mem.c core/memp.c
  core/netif.c core/pbuf.c core/tcp.c core/tcp_in.c core/tcp_out.c
  core/timeouts.c core/udp.c
  core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/ip4.c
  core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c
  netif/ethernet.c)
list(TRANSFORM LWIP_CORE_SOURCES PREPEND ${LWIP_DIR}/)

# lwIP's code is not ours: it is compiled with its own warnings off so our
# -Werror builds do not break on it, and never with our -Wconversion.
set(LWIP_RELAXED_FLAGS -w -std=gnu11 -fno-strict-aliasing)
