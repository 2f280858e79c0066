# Build helpers shared by every directory.
#
# Sources are declared, not globbed, so the build is explicit:
#   xenith_kernel_sources(a.cpp b.S)   -> only in the freestanding hypervisor
#   xenith_portable_sources(c.cpp)     -> in the hypervisor AND in the host
#                                         library the unit tests link against
#   xenith_shared_sources(d.cpp)       -> portable, and also part of the
#                                         toolstack library (tools/lib): the
#                                         ELF/notes parser and start-of-day
#                                         layout both domain builders use
# Portable sources must not touch hardware; they reach it through narrow
# interfaces so tests can substitute fakes.

set(XENITH_FREESTANDING_FLAGS
  -m32 -march=i686 -mgeneral-regs-only -mno-sse -mno-mmx -mno-80387
  -ffreestanding -fno-exceptions -fno-rtti -fno-asynchronous-unwind-tables
  -fno-use-cxa-atexit -fno-threadsafe-statics -fno-stack-protector
  -fno-pic -fno-pie -fno-omit-frame-pointer -fno-strict-aliasing
  -nostdlib -O2 -g)
set(XENITH_WARNING_FLAGS
  -Wall -Wextra -Werror -Wshadow -Wconversion)
set(XENITH_CXX_ONLY_FLAGS -std=gnu++20 -Wold-style-cast -Wnon-virtual-dtor)

set_property(GLOBAL PROPERTY XENITH_KERNEL_SOURCES "")
set_property(GLOBAL PROPERTY XENITH_PORTABLE_SOURCES "")
set_property(GLOBAL PROPERTY XENITH_SHARED_SOURCES "")

function(xenith_kernel_sources)
  foreach(src ${ARGN})
    get_filename_component(abs ${src} ABSOLUTE)
    set_property(GLOBAL APPEND PROPERTY XENITH_KERNEL_SOURCES ${abs})
  endforeach()
endfunction()

function(xenith_portable_sources)
  foreach(src ${ARGN})
    get_filename_component(abs ${src} ABSOLUTE)
    set_property(GLOBAL APPEND PROPERTY XENITH_PORTABLE_SOURCES ${abs})
  endforeach()
endfunction()

# One source, two users: the hypervisor (dom0's builder) and the toolstack
# (the domU builder). Compiled once for the host, into xenith_shared_host,
# which both host libraries link; the freestanding images compile it in.
function(xenith_shared_sources)
  foreach(src ${ARGN})
    get_filename_component(abs ${src} ABSOLUTE)
    set_property(GLOBAL APPEND PROPERTY XENITH_PORTABLE_SOURCES ${abs})
    set_property(GLOBAL APPEND PROPERTY XENITH_SHARED_SOURCES ${abs})
  endforeach()
endfunction()

# Apply the freestanding flags to a target (hypervisor or PV guest image).
function(xenith_freestanding target)
  target_compile_options(${target} PRIVATE
    ${XENITH_FREESTANDING_FLAGS}
    $<$<COMPILE_LANGUAGE:CXX>:${XENITH_WARNING_FLAGS} ${XENITH_CXX_ONLY_FLAGS}>
    $<$<COMPILE_LANGUAGE:C>:${XENITH_WARNING_FLAGS} -std=gnu11>)
  target_link_options(${target} PRIVATE
    -m32 -nostdlib -static -Wl,--build-id=sha1 -Wl,-z,noexecstack
    -Wl,--no-warn-rwx-segments)
  # libgcc provides 64-bit division helpers on i686; no libstdc++ runtime.
  target_link_libraries(${target} PRIVATE gcc)
endfunction()

function(xenith_add_hypervisor_image)
  get_property(kernel GLOBAL PROPERTY XENITH_KERNEL_SOURCES)
  get_property(portable GLOBAL PROPERTY XENITH_PORTABLE_SOURCES)
  add_executable(xenith.elf ${kernel} ${portable})
  xenith_freestanding(xenith.elf)
  target_include_directories(xenith.elf PRIVATE
    ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/include)
  target_compile_definitions(xenith.elf PRIVATE
    XENITH_VERSION="${PROJECT_VERSION}" XENITH_KERNEL=1)
  set(lds ${PROJECT_SOURCE_DIR}/boot/xenith.ld)
  target_link_options(xenith.elf PRIVATE -Wl,-T,${lds})
  # Link-time optimisation: the hot paths (hypercall entry, event send,
  # context switch, grant copy) cross many small functions in many files;
  # inlined across files a switch costs about a sixth fewer instructions
  # (docs/performance.md). The link does the code generation, so it gets
  # the compile flags too.
  target_compile_options(xenith.elf PRIVATE -flto=auto)
  target_link_options(xenith.elf PRIVATE -flto=auto ${XENITH_FREESTANDING_FLAGS})
  set_target_properties(xenith.elf PROPERTIES
    LINK_DEPENDS ${lds}
    RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR})

  # The shared sources, compiled natively once (see xenith_shared_sources).
  get_property(shared GLOBAL PROPERTY XENITH_SHARED_SOURCES)
  add_library(xenith_shared_host STATIC ${shared})
  target_include_directories(xenith_shared_host PUBLIC
    ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/include)
  target_compile_options(xenith_shared_host PRIVATE
    ${XENITH_WARNING_FLAGS} ${XENITH_CXX_ONLY_FLAGS} -fno-exceptions -fno-rtti)
  target_compile_definitions(xenith_shared_host PUBLIC XENITH_HOST=1)

  # The same portable core, compiled natively for GoogleTest and fuzzing.
  set(core ${portable})
  list(REMOVE_ITEM core ${shared})
  add_library(xenith_core_host STATIC ${core})
  target_link_libraries(xenith_core_host PUBLIC xenith_shared_host)
  target_include_directories(xenith_core_host PUBLIC
    ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/include)
  target_compile_options(xenith_core_host PRIVATE
    ${XENITH_WARNING_FLAGS} $<$<COMPILE_LANGUAGE:CXX>:${XENITH_CXX_ONLY_FLAGS}
    -fno-exceptions -fno-rtti>)
  target_compile_definitions(xenith_core_host PUBLIC XENITH_HOST=1)
endfunction()

# A Xen PV test guest: build/tests/guests/<name>.elf, linked against guest-abi
# with guest-abi/guest.ld (ELF32 i386 at 0xC0000000, see the notes in
# guest-abi/start.S). Guests use only guest-abi and include/public.
#   xenith_add_guest(hello SOURCES hello.cpp [LINK_BASE 0xC1000000])
function(xenith_add_guest name)
  cmake_parse_arguments(G "" "LINK_BASE" "SOURCES" ${ARGN})
  set(target guest_${name})
  add_executable(${target} ${G_SOURCES})
  xenith_freestanding(${target})
  target_link_libraries(${target} PRIVATE xenith_guest_abi)
  set(lds ${PROJECT_SOURCE_DIR}/guest-abi/guest.ld)
  # start.S (entry, notes, hypercall page) is reached only through the entry
  # symbol, so the static library must be asked for it explicitly.
  # The base must be defined before the script reads it.
  if(G_LINK_BASE)
    target_link_options(${target} PRIVATE -Wl,--defsym,guest_link_base=${G_LINK_BASE})
  endif()
  target_link_options(${target} PRIVATE -Wl,-T,${lds} -Wl,-u,_start -Wl,-u,hypercall_page)
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME ${name} SUFFIX ".elf" LINK_DEPENDS ${lds}
    RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests/guests)
  set_property(GLOBAL APPEND PROPERTY XENITH_GUESTS ${target})
endfunction()
