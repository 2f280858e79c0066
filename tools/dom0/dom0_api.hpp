// Dom0's management API (docs/api.md) on its network: the portable server
// (tools/lib/api) over lwIP's connections (tools/lib/net/tcp.hpp), the web
// page compiled in (www/, by embed_files.py), and the bearer token.
#pragma once
#include <cstddef>

#include "tools/lib/api/server.hpp"
#include "tools/lib/fs/file_system.hpp"
#include "tools/lib/xl/toolstack.hpp"
#include "tools/dom0/event_loop.hpp"

namespace dom0 {

// The web page's files (generated from tools/dom0/www).
extern const api::Static_file www_files[];
extern const size_t www_file_count;

// Starts the network and the server on port 80 (dom0_net.hpp options from
// cmdline). The token comes from api_token= on the command line, else
// from /etc/xenith/api-token in the ramdisk, else it is made up from the
// TSC; it is printed as "api: token T". False if the network is off or
// absent (the reason printed): the toolstack runs on without it.
bool api_start(Event_loop& loop, const char* cmdline, xl::Toolstack& ts, fs::File_system& files,
               const toolstack::Allocator& a);

// The server's timeouts and streams, from the toolstack's tick.
void api_kick();

} // namespace dom0
