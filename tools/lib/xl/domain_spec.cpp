#include "tools/lib/xl/domain_spec.hpp"

namespace xl {

const char* action_name(Action a)
{
    switch (a) {
    case Action::destroy: return "destroy";
    case Action::restart: return "restart";
    case Action::preserve: return "preserve";
    case Action::rename_restart: return "rename-restart";
    }
    return "?";
}

} // namespace xl
