// Integration test plugin (uplink_test.cpp): one smoke detector "<id>_smoke" (value: alarms raised) that raises
// `smoke_alarm` events on command, numbered 1, 2, 3 ... per run (`raise` {count}), each carrying
// canary secrets (code, pin, access_token, an image) that must never reach the community uplink.
#include <hearth/driver.hpp>

#include <string>

namespace {

class alarm_source final : public hearth::driver {
public:
    alarm_source(hearth::host& h, std::string id, const hearth::json& config)
        : hearth::driver(h), device_(std::move(id) + "_smoke"), first_(config.value("first", 1)) {}

    void start() override {
        const hearth::json descriptor = {
            {"id", device_},
            {"name", "Test smoke detector"},
            {"type", "sensor"},
            {"properties", {{"value", {{"type", "int"}}}}},
            {"commands", {{"raise", {{"params", {{"count", {{"type", "int"}, {"min", 1}, {"max", 10000}}}}}}}}},
            {"events", {"smoke_alarm"}},
        };
        if (!host().register_device(descriptor)) throw std::runtime_error("descriptor refused");
        host().report_availability(device_, true);
        host().report_state(device_, {{"value", 0}});
        host().report_ready();
    }

    hearth::status handle_command(const hearth::command& cmd) override {
        if (cmd.name != "raise") throw hearth::command_error(hearth::status::unsupported, "unsupported " + cmd.name);
        const long count = cmd.params.value("count", 1L);
        for (long i = 0; i < count; ++i) {
            const long n = first_ + raised_++;
            host().report_event(device_, {{"event_type", "smoke_alarm"},
                                          {"n", n},
                                          {"code", "CANARY-CODE-" + std::to_string(n)},
                                          {"pin", "CANARY-PIN"},
                                          {"detail", {{"access_token", "CANARY-TOKEN"}, {"image", "CANARY-JPEG"}}}});
        }
        host().report_state(device_, {{"value", raised_}});
        return hearth::status::ok;
    }

    void stop() override {}

private:
    std::string device_;
    long first_;
    long raised_ = 0;
};

}  // namespace

HEARTH_DRIVER(alarm_source, "alarm_source", "1.0.0", "Integration test: a smoke detector that alarms on command")
