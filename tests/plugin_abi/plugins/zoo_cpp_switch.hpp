// A correct one-switch driver on the C++ SDK; the good neighbour uses it as is and the C++ zoo
// plugins derive from it to break one thing. The device id is "<instance id>_switch".
#pragma once

#include <hearth/driver.hpp>

#include <string>
#include <utility>

namespace zoo {

class cpp_switch : public hearth::driver {
public:
    cpp_switch(hearth::host& h, std::string id, const hearth::json& /*config*/)
        : hearth::driver(h), device_(std::move(id) + "_switch") {}

    void start() override {
        const hearth::json descriptor = {
            {"id", device_},
            {"name", "Zoo switch"},
            {"type", "switch"},
            {"properties", {{"on", {{"type", "bool"}, {"writable", true}}}}},
            {"commands", {{"turn_on", hearth::json::object()}, {"turn_off", hearth::json::object()}}},
        };
        if (!host().register_device(descriptor)) throw std::runtime_error("descriptor refused");
        host().report_availability(device_, true);
        report();
        host().report_ready();
    }

    hearth::status handle_command(const hearth::command& cmd) override {
        if (cmd.name == "turn_on")
            on_ = true;
        else if (cmd.name == "turn_off")
            on_ = false;
        else if (cmd.name == "set")
            on_ = cmd.params.value("on", on_);
        else
            throw hearth::command_error(hearth::status::unsupported, "unsupported command " + cmd.name);
        report();
        return hearth::status::ok;
    }

protected:
    void report() { host().report_state(device_, {{"on", on_}}); }
    [[nodiscard]] const std::string& device() const { return device_; }

private:
    std::string device_;
    bool on_ = false;
};

}  // namespace zoo
