// Role: the miot driver: one appliance described by a MIoT spec, driven through the per-model
// JSON mapping (miot_mapping.hpp) with get_properties / set_properties / action over the miIO LAN
// protocol, on hearth::kit (miio_driver): polls, reports state, events (mapping rules) and
// availability; a non-zero code in a device answer fails the command. The mapping is
// "<mapping_dir>/<model>.json", mapping_dir defaulting to "miot-models" next to this plugin's .so.
#include "../transport/miio_driver.hpp"
#include "miot_mapping.hpp"

#include <dlfcn.h>

namespace hearth::miio {

namespace {

/// "<dir of this .so>/miot-models", or "miot-models" if dladdr cannot tell.
std::string default_mapping_dir() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&default_mapping_dir), &info) != 0 && info.dli_fname != nullptr) {
        std::string path = info.dli_fname;
        const auto slash = path.rfind('/');
        if (slash != std::string::npos) return path.substr(0, slash) + "/miot-models";
    }
    return "miot-models";
}

/// o[key] when it is an integer, else `fallback` (device answers are untrusted).
std::int64_t int_of(const json& o, const char* key, std::int64_t fallback) {
    const auto it = o.find(key);
    return it != o.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

}  // namespace

class miot_driver final : public miio_driver {
public:
    static constexpr const char* manifest = R"({"network": ["udp"], "read_paths": ["miot-models"]})";
    static constexpr const char* config_schema = k_miot_config_schema;

    miot_driver(kit::context& ctx, const json& config)
        : miio_driver(ctx, parse_common_config(config, ""), "miot"),
          map_(miot::load_mapping_file(config.value("mapping_dir", default_mapping_dir()),
                                       config.at("model").get<std::string>())) {
        if (cfg_.name.empty()) cfg_.name = map_.name;
    }

    void start() override { begin(miot::make_descriptor(map_, cfg_.id, cfg_.name), map_.model); }

    status handle_command(const command& cmd) override {
        call_list calls;
        try {
            if (cmd.name == "set") return run(cmd.id, {{"set_properties", writes(cmd.params, json::object())}});
            const auto* c = map_.find_command(cmd.name);
            if (c == nullptr) throw command_error(status::unsupported, "unknown command " + cmd.name);
            for (const auto& s : c->steps) {
                json w = s.aiid > 0 ? json{{"did", cfg_.id}, {"siid", s.siid}, {"aiid", s.aiid}, {"in", s.in}}
                                    : writes(s.set, cmd.params);
                if (s.aiid > 0 || !w.empty())
                    calls.emplace_back(s.aiid > 0 ? "action" : "set_properties", std::move(w));
            }
        } catch (const std::invalid_argument& e) {
            throw command_error(status::invalid, e.what());
        }
        return run(cmd.id, std::move(calls));
    }

private:
    /// set_properties params for `values` ({"prop": value or "$param"}); "$x" takes params["x"]
    /// and is skipped when the parameter is absent.
    json writes(const json& values, const json& params) const {
        json out = json::array();
        for (const auto& [name, raw] : values.items()) {
            const auto* p = map_.find_property(name);
            if (p == nullptr || !p->writable) throw std::invalid_argument("property '" + name + "' is not writable");
            json v = raw;
            if (raw.is_string() && raw.get<std::string>().starts_with("$")) {
                const std::string param = raw.get<std::string>().substr(1);
                if (!params.contains(param)) continue;
                v = params[param];
            }
            out.push_back({{"did", cfg_.id}, {"siid", p->siid}, {"piid", p->piid}, {"value", miot::to_miot(*p, v)}});
        }
        return out;
    }

    /// A non-zero code in any entry of a get/set_properties or action result.
    std::string refuse(const std::string& method, const json& result) const override {
        for (const auto& r : result.is_array() ? result : json::array({result})) {
            if (r.is_object() && r.contains("code") && r["code"] != 0)
                return method + ": device code " + r["code"].dump();
        }
        return {};
    }

    void poll(const kit::poller::done_fn& done) override {
        json request = json::array();
        for (const auto& p : map_.properties) request.push_back({{"did", cfg_.id}, {"siid", p.siid}, {"piid", p.piid}});
        client_.call("get_properties", request, [this, done](kit::result<json> r) {
            if (r && !r->is_array()) r = kit::net_error{status::device_error, "get_properties: result is not an array"};
            if (!r) return done(failed(r.error()));
            polled();
            json state = json::object();
            for (const auto& v : *r) {
                if (!v.is_object() || int_of(v, "code", 0) != 0 || !v.contains("value")) continue;
                for (const auto& p : map_.properties) {
                    if (p.siid != int_of(v, "siid", -1) || p.piid != int_of(v, "piid", -1)) continue;
                    if (auto value = miot::from_miot(p, v["value"])) {
                        state[p.name] = *value;
                    } else {
                        host().debug("miot " + cfg_.id + ": unmapped value " + v["value"].dump() + " for " + p.name);
                    }
                }
            }
            if (!state.empty()) report(state);
            json merged = last_.is_null() ? json::object() : last_;
            merged.update(state);
            if (!last_.is_null())
                for (const auto& e : miot::events_for(map_, last_, merged)) host().report_event(cfg_.id, e);
            last_ = std::move(merged);
            done(true);
        });
    }

    miot::model_mapping map_;
    json last_;
};

}  // namespace hearth::miio

HEARTH_KIT_DRIVER(hearth::miio::miot_driver, "miot", "1.0.0", "MIoT-spec appliances over the miIO LAN protocol")
