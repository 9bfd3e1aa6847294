// Isolation suite: turn_on reports 200000 states (50000 under ASan) of its switch as fast as it can (alternating
// on/off, ending with on=true), then completes. The core must stay responsive and bounded.
#include "zoo_cpp_switch.hpp"

namespace {
#if defined(__SANITIZE_ADDRESS__)
constexpr int flood_count = 50000;  // instrumented: the same pressure, a quarter of the reports
#else
constexpr int flood_count = 200000;
#endif

class flood_switch final : public zoo::cpp_switch {
public:
    using cpp_switch::cpp_switch;
    hearth::status handle_command(const hearth::command& cmd) override {
        if (cmd.name != "turn_on") return cpp_switch::handle_command(cmd);
        for (int i = 1; i <= flood_count; ++i) host().report_state(device(), {{"on", i % 2 == 0}});
        return hearth::status::ok;
    }
};
}  // namespace

HEARTH_DRIVER(flood_switch, "iso_flood", "1.0.0", "Isolation suite: floods report_state on turn_on")
