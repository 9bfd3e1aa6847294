// Role: the miot driver: one appliance described by a MIoT spec, driven through the per-model
// JSON mapping (miot_mapping.hpp) with get_properties / set_properties / action over the miIO
// LAN protocol. The host thread validates and posts; the device's worker thread polls every
// poll_interval_ms, reports state, events (mapping rules) and availability (offline after
// offline_after_failures failed polls in a row) and completes pending commands.
// Config: host, token (secret: never logged), model, mapping_dir (default: "miot-models" next
// to this plugin's .so, found with dladdr), id, name, poll_interval_ms, offline_after_failures,
// port, timeout_ms, retries.
#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "../transport/device_worker.hpp"
#include "../transport/miio_schema.hpp"
#include "../transport/miio_config.hpp"
#include "miot_mapping.hpp"

#include <hearth/driver.hpp>

#include <dlfcn.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <set>

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

status to_status(const miio_error& e) {
    switch (e.kind()) {
    case failure::timeout: return status::timeout;
    case failure::device_error:
    case failure::protocol:
    case failure::token_rejected: return status::device_error;
    default: return status::internal;
    }
}

/// Throws miio_error(device_error) if any entry of a get/set_properties or action result has a
/// non-zero code.
void check_codes(const json& result, const std::string& what) {
    const json items = result.is_array() ? result : json::array({result});
    for (const auto& r : items)
        if (r.is_object() && r.value("code", 0) != 0)
            throw miio_error(failure::device_error, what + ": device code " + std::to_string(r.value("code", 0)),
                             r.value("code", 0));
}

}  // namespace

class miot_driver final : public driver {
public:
    /// Checked by the host before the constructor runs (ABI v1.2).
    static constexpr const char* config_schema = k_miot_config_schema;

    miot_driver(hearth::host& h, std::string /*instance_id*/, const json& config)
        : driver(h), cfg_(parse_common_config(config, "MIoT appliance")), avail_(cfg_.offline_after_failures) {
        if (!config.contains("model") || !config["model"].is_string())
            throw std::invalid_argument("config: 'model' is required (selects the mapping file)");
        std::string dir = default_mapping_dir();
        if (config.contains("mapping_dir")) {
            if (!config["mapping_dir"].is_string())
                throw std::invalid_argument("config: 'mapping_dir' must be a string");
            dir = config["mapping_dir"].get<std::string>();
        }
        map_ = miot::load_mapping_file(dir, config["model"].get<std::string>());
        if (!config.contains("name")) cfg_.name = map_.name;
        worker_ = std::make_unique<device_worker>(cfg_.client, cfg_.poll_interval, [this](miio_client& c) { poll(c); });
    }
    ~miot_driver() override { stop(); }

    void start() override {
        if (!host().register_device(miot::make_descriptor(map_, cfg_.id, cfg_.name)))
            throw std::runtime_error("the host refused the descriptor built from mapping " + map_.model);
        host().report_ready();
        host().info("miot " + cfg_.id + " (" + map_.model + ") at " + cfg_.client.host + ":" +
                    std::to_string(cfg_.client.port) + ", polling every " + std::to_string(cfg_.poll_interval.count()) +
                    " ms");
        worker_->start();
    }

    status handle_command(const command& cmd) override {
        if (cmd.device_id != cfg_.id) throw command_error(status::invalid, "unknown device " + cmd.device_id);
        std::vector<std::pair<std::string, json>> calls;  // (method, params)
        try {
            if (cmd.name == "set") {
                calls.emplace_back("set_properties", writes(cmd.params, json::object()));
            } else {
                const auto* c = map_.find_command(cmd.name);
                if (c == nullptr) throw command_error(status::unsupported, "unknown command " + cmd.name);
                for (const auto& s : c->steps) {
                    if (s.aiid > 0) {
                        calls.emplace_back("action",
                                           json{{"did", cfg_.id}, {"siid", s.siid}, {"aiid", s.aiid}, {"in", s.in}});
                    } else {
                        json w = writes(s.set, cmd.params);
                        if (!w.empty()) calls.emplace_back("set_properties", std::move(w));
                    }
                }
            }
        } catch (const std::invalid_argument& e) {
            throw command_error(status::invalid, e.what());
        }
        add_pending(cmd.id);
        worker_->post([this, id = cmd.id, calls = std::move(calls)](miio_client& client) {
            try {
                for (const auto& [method, params] : calls) check_codes(client.call(method, params), method);
                complete(id, status::ok);
            } catch (const miio_error& e) {
                host().warn(e.what());
                complete(id, to_status(e), e.what());
            } catch (const std::exception& e) {
                complete(id, status::internal, e.what());
            }
        });
        worker_->poll_soon();
        return status::pending;
    }

    void refresh(const std::string& device_id) override {
        if (device_id == cfg_.id) worker_->poll_soon();
    }

    void stop() override {
        if (stopped_.exchange(true)) return;
        worker_->stop();
        std::set<std::uint64_t> left;
        {
            std::lock_guard lock(pending_mutex_);
            left.swap(pending_);
        }
        for (auto id : left) host().command_result(id, status::offline, "driver stopped");
        const auto& s = worker_->stats();
        host().info("miot " + cfg_.id + " stopped: " + std::to_string(s.requests.load()) + " requests, " +
                    std::to_string(s.timeouts.load()) + " timeouts, " + std::to_string(s.token_rejections.load()) +
                    " token rejections, " + std::to_string(s.garbage.load()) + " undecodable and " +
                    std::to_string(s.stale.load()) + " stale replies");
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

    void add_pending(std::uint64_t id) {
        std::lock_guard lock(pending_mutex_);
        pending_.insert(id);
    }
    void complete(std::uint64_t id, status code, const std::string& message = {}) {
        {
            std::lock_guard lock(pending_mutex_);
            if (pending_.erase(id) == 0) return;
        }
        host().command_result(id, code, message);
    }

    // ---- worker thread ---------------------------------------------------------------------

    /// Logs a failed poll: a rejected token at error level (hearthd counts driver errors in
    /// health: errors, last_error), anything else as a warning.
    void report_poll_failure(const std::exception& e) {
        const std::string line = std::string("miot ") + cfg_.id + ": poll failed: " + e.what();
        const auto* m = dynamic_cast<const miio_error*>(&e);
        if (m != nullptr && m->kind() == failure::token_rejected)
            host().error(line);
        else
            host().warn(line);
    }

    void poll(miio_client& client) {
        json request = json::array();
        for (const auto& p : map_.properties) request.push_back({{"did", cfg_.id}, {"siid", p.siid}, {"piid", p.piid}});
        json result;
        try {
            result = client.call("get_properties", request);
            if (!result.is_array()) throw miio_error(failure::protocol, "get_properties: result is not an array");
        } catch (const std::exception& e) {
            if (stopped_) return;  // aborted by stop(): not a device failure
            const auto change = avail_.record(false);
            if (avail_.failures() == 1 || change) report_poll_failure(e);
            if (change) host().report_availability(cfg_.id, false);
            return;
        }
        if (const auto change = avail_.record(true)) {
            host().report_availability(cfg_.id, *change);
            host().info("miot " + cfg_.id + " is online");
        }
        json state = json::object();
        for (const auto& r : result) {
            if (!r.is_object() || r.value("code", 0) != 0 || !r.contains("value")) continue;
            for (const auto& p : map_.properties) {
                if (p.siid != r.value("siid", -1) || p.piid != r.value("piid", -1)) continue;
                if (auto v = miot::from_miot(p, r["value"]))
                    state[p.name] = *v;
                else
                    host().debug("miot " + cfg_.id + ": unmapped value " + r["value"].dump() + " for " + p.name);
            }
        }
        if (state.empty()) return;
        host().report_state(cfg_.id, state);
        json merged = last_;
        if (merged.is_null()) merged = json::object();
        for (const auto& [k, v] : state.items()) merged[k] = v;
        if (!last_.is_null())
            for (const auto& e : miot::events_for(map_, last_, merged)) host().report_event(cfg_.id, e);
        last_ = std::move(merged);
    }

    common_config cfg_;
    miot::model_mapping map_;
    availability avail_;  // worker thread only
    json last_;           // worker thread only
    std::unique_ptr<device_worker> worker_;
    std::atomic<bool> stopped_{false};
    std::mutex pending_mutex_;
    std::set<std::uint64_t> pending_;
};

}  // namespace hearth::miio

HEARTH_DRIVER_WITH_MANIFEST(hearth::miio::miot_driver, "miot", "1.0.0",
                            "MIoT-spec appliances over the miIO LAN protocol",
                            R"({"network": ["udp"], "read_paths": ["miot-models"]})")
