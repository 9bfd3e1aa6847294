// Role: the vacuum_miio driver: one Roborock-style robot vacuum over the miIO LAN protocol, on
// hearth::kit (miio_driver): polls get_status (and get_consumable now and then), reports state,
// availability and the events operational_error / operation_completed; commands are miIO calls
// (roborock_map.hpp translates the vocabulary). The token never appears in a log line, error or state.
#include "../transport/miio_driver.hpp"
#include "roborock_map.hpp"

#include <hearth/kit/devices.hpp>

namespace hearth::miio {

namespace {

std::vector<std::string> fan_speeds() { return {"quiet", "standard", "strong", "max"}; }

bool is_cleaning(const std::string& s) { return s == "running" || s == "paused" || s == "error"; }

kit::property hours_left(int max) { return kit::property::integer(0, max).unit("h"); }

}  // namespace

class vacuum_miio final : public miio_driver {
public:
    static constexpr const char* manifest = R"({"network": ["udp"]})";
    static constexpr const char* config_schema = k_vacuum_config_schema;

    vacuum_miio(kit::context& ctx, const json& config)
        : miio_driver(ctx, parse_common_config(config, "Robot vacuum"), "vacuum") {}

    void start() override {
        begin(kit::vacuum(cfg_.id, cfg_.name)
                  .info("Roborock", "miIO vacuum", "vacuum_miio 1.0.0")
                  .prop("fan_speed", kit::property::choice(fan_speeds()).writable())
                  .prop("clean_area_m2", kit::property::number(0, 10000).unit("m²"))
                  .prop("clean_time_s", kit::property::integer(0, 604800).unit("s"))
                  .prop("error", kit::property::text())
                  .prop("error_code", kit::property::integer(0, 65535))
                  .prop("main_brush_left_h", hours_left(300))
                  .prop("side_brush_left_h", hours_left(200))
                  .prop("filter_left_h", hours_left(150))
                  .prop("sensor_dirty_left_h", hours_left(30))
                  .command("set_fan_speed", {{"fan_speed", kit::property::choice(fan_speeds()).required()}})
                  .command("clean_areas", {{"areas", kit::property::text().required()}}),
              "miIO vacuum");
    }

    status handle_command(const command& cmd) override {
        const std::string& c = cmd.name;
        const json none = json::array();
        if (c == "start" || c == "resume") return run(cmd.id, {{"app_start", none}});
        if (c == "pause") return run(cmd.id, {{"app_pause", none}});
        if (c == "return_to_dock") return run(cmd.id, {{"app_pause", none}, {"app_charge", none}});
        if (c == "locate") return run(cmd.id, {{"find_me", none}});
        if (c == "set_fan_speed" || c == "set") {
            const json v = cmd.params.value("fan_speed", json());
            if (c == "set" && (cmd.params.size() != 1 || v.is_null()))
                throw command_error(status::invalid, "only fan_speed is writable");
            const auto power = v.is_string() ? roborock::fan_power(v.get<std::string>()) : std::nullopt;
            if (!power) throw command_error(status::invalid, "unknown fan_speed");
            // Done when a poll shows the new speed.
            return run(cmd.id, {{"set_custom_mode", json::array({*power})}}, {{"fan_speed", v}});
        }
        if (c == "clean_areas") {
            try {  // python-miio segment_clean(): params = [id, ...]
                return run(cmd.id, {{"app_segment_clean", roborock::parse_segments(cmd.params.value("areas", ""))}});
            } catch (const std::invalid_argument& e) {
                throw command_error(status::invalid, e.what());
            }
        }
        throw command_error(status::unsupported, "unknown command " + c);
    }

private:
    void poll(const kit::poller::done_fn& done) override {
        client_.call("get_status", json::array(), [this, done](kit::result<json> r) {
            json state;
            try {
                if (r) state = roborock::status_to_state(*r);
            } catch (const std::invalid_argument& e) {
                r = kit::net_error{status::device_error, e.what()};
            }
            if (!r) return done(failed(r.error()));
            polled();
            report(state);
            emit_events(state);
            last_ = state;
            if (polls_++ % k_consumable_every != 0) return done(true);  // they change slowly: first poll, then rarely
            client_.call("get_consumable", json::array(), [this, done](kit::result<json> c) {
                try {
                    if (c) report(roborock::consumables_to_state(*c));
                } catch (const std::invalid_argument& e) {
                    host().debug("vacuum " + cfg_.id + ": get_consumable: " + e.what());
                }
                done(true);
            });
        });
    }

    void emit_events(const json& now) {
        if (last_.is_null()) return;
        const std::string before = last_.value("operational_state", "");
        const std::string after = now.value("operational_state", "");
        if (after == "error" && before != "error") {
            host().report_event(cfg_.id, {{"event_type", "operational_error"},
                                          {"error", now.value("error", "none")},
                                          {"error_code", now.value("error_code", 0)}});
        }
        if (is_cleaning(before) && !is_cleaning(after)) {
            host().report_event(cfg_.id, {{"event_type", "operation_completed"},
                                          {"result", after == "stopped" ? "stopped" : "returned"},
                                          {"clean_area_m2", now.value("clean_area_m2", 0.0)},
                                          {"clean_time_s", now.value("clean_time_s", 0)}});
        }
    }

    json last_;
    std::uint64_t polls_ = 0;
    static constexpr std::uint64_t k_consumable_every = 120;
};

}  // namespace hearth::miio

HEARTH_KIT_DRIVER(hearth::miio::vacuum_miio, "vacuum_miio", "1.0.0",
                  "Roborock-style robot vacuums over the miIO LAN protocol")
