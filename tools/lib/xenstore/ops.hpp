// The request handlers, one per XS_* type, in files by family:
// ops_node.cpp (nodes and permissions), ops_watch.cpp, ops_transaction.cpp,
// ops_domain.cpp, ops_control.cpp. dispatch.cpp holds the table.
#pragma once

#include "tools/lib/xenstore/request.hpp"

namespace xs {

Err op_read(Request& rq);
Err op_write(Request& rq);
Err op_mkdir(Request& rq);
Err op_rm(Request& rq);
Err op_directory(Request& rq);
Err op_directory_part(Request& rq);
Err op_get_perms(Request& rq);
Err op_set_perms(Request& rq);

Err op_watch(Request& rq);
Err op_unwatch(Request& rq);
Err op_reset_watches(Request& rq);

Err op_transaction_start(Request& rq);
Err op_transaction_end(Request& rq);

Err op_introduce(Request& rq);
Err op_release(Request& rq);
Err op_get_domain_path(Request& rq);
Err op_is_domain_introduced(Request& rq);
Err op_resume(Request& rq);
Err op_set_target(Request& rq);

Err op_control(Request& rq);

} // namespace xs
