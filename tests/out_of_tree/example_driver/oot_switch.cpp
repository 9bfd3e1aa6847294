// A complete driver in one file, built outside Hearth's tree: one switch that remembers its state.
#include <hearth/driver.hpp>

#include <stdexcept>
#include <string>
#include <utility>

namespace {

class oot_switch final : public hearth::driver {
public:
    oot_switch(hearth::host& h, std::string instance, const hearth::json& config)
        : driver(h), id_(config.value("device_id", instance + "_switch")) {
        for (const auto& [key, value] : config.items()) {
            if (key != "device_id") throw std::invalid_argument("unknown config key '" + key + "'");
        }
    }

    void start() override {
        const hearth::json descriptor = {
            {"id", id_},
            {"name", "Out-of-tree switch"},
            {"type", "switch"},
            {"manufacturer", "Example Integrator"},
            {"properties", {{"on", {{"type", "bool"}, {"writable", true}}}}},
            {"commands", {{"turn_on", hearth::json::object()}, {"turn_off", hearth::json::object()}}},
        };
        if (!host().register_device(descriptor)) throw std::runtime_error("descriptor refused");
        host().report_availability(id_, true);
        host().report_state(id_, {{"on", on_}});
        host().report_ready();
    }

    hearth::status handle_command(const hearth::command& cmd) override {
        if (cmd.name == "turn_on")
            on_ = true;
        else if (cmd.name == "turn_off")
            on_ = false;
        else if (cmd.name == "set")
            on_ = cmd.params.at("on").get<bool>();
        host().report_state(id_, {{"on", on_}});
        return hearth::status::ok;
    }

private:
    std::string id_;
    bool on_ = false;
};

}  // namespace

HEARTH_DRIVER(oot_switch, "oot_switch", "1.0.0", "Example out-of-tree switch")
