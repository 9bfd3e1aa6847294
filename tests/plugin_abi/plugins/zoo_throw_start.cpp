// Zoo case 6: start() throws. The SDK barrier turns it into a failed start; the host quarantines.
#include "zoo_cpp_switch.hpp"

#include <stdexcept>

namespace {
class throw_start final : public zoo::cpp_switch {
public:
    using cpp_switch::cpp_switch;
    void start() override { throw std::runtime_error("zoo: start exploded on purpose"); }
};
}  // namespace

HEARTH_DRIVER(throw_start, "zoo_throw_start", "1.0.0", "Bad-plugin zoo: throws from start")
