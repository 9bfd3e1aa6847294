// Role: the yeelight driver: one Hearth `light` per configured Yeelight bulb, controlled over the
// bulb's LAN protocol (TCP 55443, JSON lines). The host thread only validates commands, turns
// them into protocol requests and hands them over; all network I/O runs on an io_context owned
// by the driver and run by its own std::thread, which also reports state, availability and
// command results (host methods are thread-safe). State is never optimistic: it comes from the
// bulb's "props" notifications and from get_prop after connecting and after every command.
#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "bulb_connection.hpp"
#include "yeelight_schema.hpp"
#include "protocol.hpp"
#include "yeelight_config.hpp"

#include <hearth/driver.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

namespace hearth::yeelight {

namespace {

namespace asio = boost::asio;

/// One protocol request of a command.
struct step {
    std::string method;
    json params;
};

/// A read-only int property spec (also used as a command parameter).
json int_prop(int min, int max, const char* unit) {
    return {{"type", "int"}, {"min", min}, {"max", max}, {"step", 1}, {"unit", unit}};
}

/// `prop` marked writable.
json writable(json prop) {
    prop["writable"] = true;
    return prop;
}

/// The `light` descriptor of one bulb (ranges are the protocol's).
json descriptor(const light_config& l) {
    const json ct = int_prop(k_min_ct, k_max_ct, "K");
    return {{"id", l.id},
            {"name", l.name},
            {"type", "light"},
            {"manufacturer", "Yeelight"},
            {"model", "Yeelight LAN bulb"},
            {"sw_version", "yeelight 1.0.0"},
            {"properties",
             {{"on", {{"type", "bool"}, {"writable", true}}},
              {"brightness", writable(int_prop(0, 100, "%"))},
              {"color_temp_k", writable(ct)}}},
            {"commands",
             {{"turn_on", {{"params", {{"brightness", int_prop(1, 100, "%")}, {"color_temp_k", ct}}}}},
              {"turn_off", {{"params", json::object()}}},
              {"toggle", {{"params", json::object()}}}}},
            {"events", json::array()}};
}

}  // namespace

class yeelight_driver final : public driver {
public:
    /// Checked by the host before the constructor runs (ABI v1.2).
    static constexpr const char* config_schema = k_config_schema;

    yeelight_driver(hearth::host& h, std::string /*instance_id*/, const json& config)
        : driver(h), cfg_(parse_config(config)) {
        for (const auto& l : cfg_.lights)
            bulbs_.emplace(l.id, std::make_unique<bulb_connection>(io_, l, cfg_, events_for(l.id)));
    }

    ~yeelight_driver() override { stop(); }

    void start() override {
        for (const auto& l : cfg_.lights)
            if (!host().register_device(descriptor(l)))
                throw std::runtime_error("the host refused the descriptor of " + l.id);
        host().report_ready();  // availability follows once each bulb answers (or fails N times)
        for (auto& [id, bulb] : bulbs_) bulb->start();
        thread_ = std::thread([this] { io_.run(); });
    }

    status handle_command(const command& cmd) override {
        bulb_connection& bulb = find(cmd.device_id);
        std::vector<step> steps = plan(cmd);
        if (steps.empty()) return status::ok;
        if (!bulb.connected()) throw command_error(status::offline, "bulb " + cmd.device_id + " is not connected");
        {
            std::lock_guard lock(pending_mutex_);
            pending_.insert(cmd.id);
        }
        asio::post(io_, [this, &bulb, id = cmd.id, steps = std::move(steps)] { send(bulb, id, steps); });
        return status::pending;
    }

    void refresh(const std::string& device_id) override {
        bulb_connection& bulb = find(device_id);
        asio::post(io_, [&bulb] { bulb.poll_state(); });
    }

    void stop() override {
        if (stopped_.exchange(true)) return;
        work_.reset();
        io_.stop();
        if (thread_.joinable()) thread_.join();
        std::set<std::uint64_t> left;
        {
            std::lock_guard lock(pending_mutex_);
            left.swap(pending_);
        }
        for (auto id : left) host().command_result(id, status::offline, "driver stopped");
    }

private:
    // ---- host thread: from a Hearth command to protocol requests ------------------------------

    bulb_connection& find(const std::string& device_id) {
        const auto it = bulbs_.find(device_id);
        if (it == bulbs_.end()) throw command_error(status::invalid, "unknown device " + device_id);
        return *it->second;
    }

    step power(bool on) const { return {"set_power", {on ? "on" : "off", cfg_.effect, cfg_.duration_ms}}; }
    step bright(std::int64_t percent) const {
        return {"set_bright", {std::clamp<std::int64_t>(percent, 1, 100), cfg_.effect, cfg_.duration_ms}};
    }
    step ct(std::int64_t kelvin) const { return {"set_ct_abx", {clamp_ct(kelvin), cfg_.effect, cfg_.duration_ms}}; }

    /// The requests of a command, in the order they must be sent: power on first, then
    /// brightness and color temperature, power off last; brightness 0 means off.
    std::vector<step> plan(const command& cmd) const {
        const json& p = cmd.params;
        if (cmd.name == "turn_off") return {power(false)};
        if (cmd.name == "toggle") return {{"toggle", json::array()}};
        if (cmd.name != "turn_on" && cmd.name != "set")
            throw command_error(status::unsupported, "unknown command " + cmd.name);
        for (const auto& [key, value] : p.items()) {
            const bool ok = key == "on" ? value.is_boolean()
                                        : (key == "brightness" || key == "color_temp_k") && value.is_number_integer();
            if (!ok) throw command_error(status::invalid, "unsupported parameter '" + key + "'");
        }
        std::optional<bool> on = cmd.name == "turn_on" ? std::optional<bool>(true) : std::nullopt;
        if (p.contains("on")) on = p["on"].get<bool>();
        std::vector<step> steps;
        std::optional<step> brightness;
        if (p.contains("brightness")) {
            const auto b = p["brightness"].get<std::int64_t>();
            if (b <= 0 && cmd.name == "set")
                on = false;
            else
                brightness = bright(b);
        }
        if (on == true) steps.push_back(power(true));
        if (brightness) steps.push_back(*brightness);
        if (p.contains("color_temp_k")) steps.push_back(ct(p["color_temp_k"].get<std::int64_t>()));
        if (on == false) steps.push_back(power(false));
        return steps;
    }

    // ---- I/O thread ---------------------------------------------------------------------------

    /// Pipelines the requests; the command completes when all replied (first failure wins),
    /// then get_prop reads back what the bulb really did.
    void send(bulb_connection& bulb, std::uint64_t id, const std::vector<step>& steps) {
        struct batch {
            std::size_t remaining;
            outcome first_failure;
        };
        auto b = std::make_shared<batch>(batch{steps.size(), {}});
        for (const auto& s : steps)
            bulb.request(s.method, s.params, [this, &bulb, id, b](const outcome& o) {
                if (o.code != status::ok && b->first_failure.code == status::ok) b->first_failure = o;
                if (--b->remaining != 0) return;
                const outcome& f = b->first_failure;
                complete(id, f.code,
                         f.code == status::ok ? std::string() : "bulb " + bulb.light().id + ": " + f.message);
                if (bulb.connected()) bulb.poll_state();
            });
    }

    void complete(std::uint64_t id, status code, const std::string& message) {
        {
            std::lock_guard lock(pending_mutex_);
            if (pending_.erase(id) == 0) return;
        }
        host().command_result(id, code, message);
    }

    connection_events events_for(const std::string& id) {
        return {[this, id](bool online) { host().report_availability(id, online); },
                [this, id](const json& state) { host().report_state(id, state); },
                [this](log_level level, const std::string& text) { host().log(level, text); }};
    }

    // Members: io_ first so that it is destroyed last (abandoned coroutine frames hold timers).
    asio::io_context io_{1};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{io_.get_executor()};
    const yeelight_config cfg_;
    std::map<std::string, std::unique_ptr<bulb_connection>> bulbs_;
    std::thread thread_;
    std::atomic<bool> stopped_{false};
    std::mutex pending_mutex_;
    std::set<std::uint64_t> pending_;  // commands answered pending and not yet completed
};

}  // namespace hearth::yeelight

HEARTH_DRIVER_WITH_MANIFEST(hearth::yeelight::yeelight_driver, "yeelight", "1.0.0",
                            "Yeelight Wi-Fi bulbs over the LAN control protocol (TCP 55443)",
                            R"({"network": ["tcp_client"]})")
