// Isolation suite: handle_command(turn_on) blocks the driver thread "forever" (bounded at 120 s
// so a broken test cannot leave it behind; the worker is killed long before). Other commands
// work, so the restarted worker is observably healthy.
#include "zoo_cpp_switch.hpp"

#include <chrono>
#include <thread>

namespace {
class hang_switch final : public zoo::cpp_switch {
public:
    using cpp_switch::cpp_switch;
    hearth::status handle_command(const hearth::command& cmd) override {
        if (cmd.name != "turn_on") return cpp_switch::handle_command(cmd);
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        while (std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return hearth::status::ok;
    }
};
}  // namespace

HEARTH_DRIVER(hang_switch, "iso_hang", "1.0.0", "Isolation suite: blocks forever in turn_on")
