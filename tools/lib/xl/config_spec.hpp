// From an xl config file in the host's files (and `key=value` overrides
// from the command line) to the Domain_spec the toolstack builds: the
// parser of tools/lib/config, then what Xenith's toolstack can carry out.
// Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/allocator.hpp"
#include "tools/lib/xl/domain_spec.hpp"
#include "tools/lib/xl/host.hpp"

namespace xl {

// True with spec filled; false with err holding xl's message. Warnings,
// one per line, in either case.
[[nodiscard]] bool load_config(Host& host, const toolstack::Allocator& alloc, toolstack::Str file,
                               const toolstack::Str* overrides, uint32_t n_overrides,
                               Domain_spec& spec, toolstack::Text& err, toolstack::Text& warnings);

// As load_config, for a config's text already in memory; source names it
// in messages ("<source>:3: ...").
[[nodiscard]] bool load_config_text(const toolstack::Allocator& alloc, toolstack::Str source,
                                    toolstack::Str data, const toolstack::Str* overrides,
                                    uint32_t n_overrides, Domain_spec& spec, toolstack::Text& err,
                                    toolstack::Text& warnings);

} // namespace xl
