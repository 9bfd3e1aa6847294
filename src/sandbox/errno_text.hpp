// The text of an errno value, thread-safe (std::strerror is not: it may share one buffer).
#pragma once

#include <string>
#include <system_error>

namespace hearth::sandbox {

/// What errno value `e` means, e.g. "Operation not permitted".
inline std::string errno_text(int e) { return std::generic_category().message(e); }

}  // namespace hearth::sandbox
