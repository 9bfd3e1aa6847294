// Zoo case 7: handle_command throws std::runtime_error for turn_on (turn_off still works, so the
// test can check that only *consecutive* failures lead to quarantine). turn_off also logs an
// error line: counted in health, never towards quarantine.
#include "zoo_cpp_switch.hpp"

#include <stdexcept>
#include <string>

namespace {
class throw_command final : public zoo::cpp_switch {
public:
    using cpp_switch::cpp_switch;
    hearth::status handle_command(const hearth::command& cmd) override {
        if (cmd.name == "turn_on") {
            throw std::runtime_error("zoo: kaboom on command " + std::to_string(++thrown_));
        }
        if (cmd.name == "turn_off") host().error("zoo: an error line, not a failure");
        return cpp_switch::handle_command(cmd);
    }

private:
    int thrown_ = 0;
};
}  // namespace

HEARTH_DRIVER(throw_command, "zoo_throw_command", "1.0.0", "Bad-plugin zoo: throws from handle_command")
