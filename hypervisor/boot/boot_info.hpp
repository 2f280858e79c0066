// Facts about this boot that hypercalls report (xen_version).
#pragma once
#include <cstdint>

const char* hypervisor_cmdline();
// The GNU build id of this image (bytes, not hex).
const uint8_t* hypervisor_build_id(uint32_t& len);
