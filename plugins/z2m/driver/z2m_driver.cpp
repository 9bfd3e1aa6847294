// Role: the z2m driver: the Zigbee devices of one Zigbee2MQTT instance, over one MQTT connection
// (z2m_link) to the broker Zigbee2MQTT uses. Follows `<base>/bridge/devices` (each entry mapped
// by z2m_mapping: registrations, renames keeping the Hearth id, removals, interviews completing
// later), `<base>/bridge/state` (offline: every device offline), each device's
// `<base>/<friendly_name>` state and `/availability`; asks for the gettable properties with
// `/get` when a device appears; sends commands to `/set` and completes them when the device
// reports the state they asked for (kit::pending_commands). Everything from MQTT is untrusted:
// size and nesting caps, checked JSON, refusals logged (rate-limited) and counted, never an
// abort. The password is never logged.
#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include "z2m_json.hpp"
#include "z2m_link.hpp"
#include "z2m_mapping.hpp"

#include <hearth/kit/driver.hpp>
#include <hearth/kit/pending_commands.hpp>

#include <map>
#include <set>

namespace hearth::z2m {

namespace {

using std::chrono::milliseconds;

constexpr const char* k_config_schema = R"({
  "type": "object", "additionalProperties": false,
  "required": ["url"],
  "properties": {
    "url": {"type": "string", "pattern": "^mqtt://[^/@?# ]+/?$"},
    "base_topic": {"type": "string", "pattern": "^[^#+ ]{1,128}$"},
    "username": {"type": "string", "maxLength": 256},
    "password": {"type": "string", "maxLength": 256, "x-secret": true},
    "client_id": {"type": "string", "minLength": 1, "maxLength": 64},
    "reconnect_min_ms": {"type": "integer", "minimum": 10, "maximum": 600000},
    "reconnect_max_ms": {"type": "integer", "minimum": 10, "maximum": 3600000},
    "command_timeout_ms": {"type": "integer", "minimum": 100, "maximum": 600000}}})";

constexpr std::size_t k_max_state_bytes = 256U << 10U;  ///< one device's state payload
constexpr std::size_t k_max_devices = 2000;             ///< the core's per-driver cap
constexpr int k_max_depth = 32;                         ///< JSON nesting from Zigbee2MQTT

/// At most 120 printable characters of untrusted text for a log line.
std::string printable(const std::string& text) {
    std::string out;
    for (const char c : text.substr(0, 120)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    return out;
}

/// A friendly name usable as a topic level path: no wildcards, not empty, no empty levels.
bool usable_name(const std::string& name) {
    return !name.empty() && name.size() <= 256 && name.find_first_of("#+") == std::string::npos &&
           name.front() != '/' && name.back() != '/' && name.find("//") == std::string::npos;
}

/// "online"/"offline" from {"state": "..."} or the legacy plain text; nothing otherwise.
std::optional<bool> online_word(const std::string& payload) {
    std::string word = payload;
    if (!payload.empty() && payload.front() == '{') {
        const json doc = parse_bounded(payload, k_max_depth);
        const auto s = doc.is_object() ? doc.find("state") : doc.end();
        if (!doc.is_object() || s == doc.end() || !s->is_string()) return std::nullopt;
        word = s->get<std::string>();
    }
    if (word == "online") return true;
    if (word == "offline") return false;
    return std::nullopt;
}

link_options link_options_of(const json& cfg, const std::string& instance) {
    link_options o;
    const auto uri = paho_uri_of(cfg.at("url").get<std::string>());
    if (!uri) throw std::invalid_argument("config: 'url' must be mqtt://host[:port]");
    o.server_uri = *uri;
    o.client_id = cfg.value("client_id", "hearth-z2m-" + instance.substr(0, 40));
    o.username = cfg.value("username", "");
    o.password = cfg.value("password", "");
    o.reconnect_min = milliseconds(cfg.value("reconnect_min_ms", 500));
    o.reconnect_max = std::max(o.reconnect_min, milliseconds(cfg.value("reconnect_max_ms", 30000)));
    return o;
}

}  // namespace

class z2m_driver final : public kit::driver {
public:
    static constexpr const char* manifest = R"({"network": ["tcp_client"]})";
    static constexpr const char* config_schema = k_config_schema;

    z2m_driver(kit::context& ctx, const json& config)
        : driver(ctx),
          base_(config.value("base_topic", "zigbee2mqtt")),
          url_(config.at("url").get<std::string>()),
          command_timeout_(milliseconds(config.value("command_timeout_ms", 10000))),
          link_(io(), link_options_of(config, instance_id())),
          pending_(io(), host()) {
        link_.on_up([this] { up(); });
        link_.on_down([this](const std::string& why) { down(why); });
        link_.on_message([this](const std::string& t, const std::string& p) { on_message(t, p); });
        link_.on_dropped([this](const std::string& t, std::size_t size, const char* why) {
            refused("dropped a message on " + printable(t) + " (" + std::to_string(size) + " bytes, " + why + ")");
        });
        // One subscription for everything under the base: device topics are live as soon as the
        // connection is, whatever order the broker delivers retained messages in.
        link_.subscribe(base_ + "/#");
    }

    void start() override {
        host().report_ready();
        host().info("z2m: Zigbee2MQTT at " + url_ + ", base topic '" + base_ + "'");
        link_.open();
    }

    status handle_command(const command& cmd) override {
        const auto it = devices_.find(cmd.device_id);
        if (it == devices_.end()) throw command_error(status::invalid, "z2m: unknown device " + cmd.device_id);
        device& d = it->second;
        if (!link_.up()) throw command_error(status::offline, "z2m: not connected to the MQTT broker");
        if (!online(d)) throw command_error(status::offline, "z2m: " + d.m.friendly_name + " is offline");
        json payload;
        try {
            payload = encode_command(d.m, cmd.name, cmd.params, d.state);
        } catch (const std::invalid_argument& e) {
            throw command_error(status::invalid, e.what());
        }
        json target = decode_state(d.m, payload).state;
        if (d.m.find_property("lock_state") != nullptr && (cmd.name == "lock" || cmd.name == "unlock"))
            target = {{"lock_state", cmd.name == "lock" ? "locked" : "unlocked"}};
        if (!link_.publish(base_ + "/" + d.m.friendly_name + "/set", payload.dump()))
            throw command_error(status::offline, "z2m: not connected to the MQTT broker");
        pending_.expect(cmd.id, d.m.id, target, command_timeout_);
        return status::pending;
    }

    void refresh(const std::string& device_id) override {
        if (const auto it = devices_.find(device_id); it != devices_.end()) ask(it->second);
    }

    void stop() override {
        link_.close();  // no callback of the link runs after this
        pending_.fail_all(status::offline, "driver stopped");
        host().info("z2m stopped: " + std::to_string(devices_.size()) + " devices, " + std::to_string(states_) +
                    " states, " + std::to_string(refused_) + " refused messages");
    }

private:
    struct device {
        device_mapping m;
        json state = json::object();       ///< last Hearth state (merged)
        std::optional<bool> availability;  ///< from /availability; unknown until one arrives
        std::optional<bool> reported;      ///< what the host was last told
    };

    [[nodiscard]] bool online(const device& d) const {
        return link_.up() && bridge_online_ && d.availability.value_or(true);
    }

    void report_online(device& d) {
        const bool now = online(d);
        if (d.reported == now) return;
        d.reported = now;
        host().report_availability(d.m.id, now);
        if (!now) pending_.fail_device(d.m.id, status::offline, "z2m: " + d.m.friendly_name + " went offline");
    }

    void report_all() {
        for (auto& [id, d] : devices_) report_online(d);
    }

    /// Logs a refusal: the first 100, then every 1000th (an MQTT flood must not flood the log).
    void refused(const std::string& what) {
        ++refused_;
        if (refused_ <= 100 || refused_ % 1000 == 0)
            host().warn("z2m: " + what + " (" + std::to_string(refused_) + " refused so far)");
    }

    void up() {
        host().info("z2m: connected to " + url_);
        report_all();
    }

    void down(const std::string& why) {
        if (!was_down_) host().warn("z2m: " + printable(why) + "; reconnecting");
        was_down_ = true;
        report_all();
    }

    void on_message(const std::string& topic, const std::string& payload) {
        was_down_ = false;
        if (topic == base_ + "/bridge/state") return on_bridge_state(payload);
        if (topic == base_ + "/bridge/devices") return on_devices(payload);
        if (topic.size() <= base_.size() + 1 || topic.compare(0, base_.size() + 1, base_ + "/") != 0) return;
        const std::string rest = topic.substr(base_.size() + 1);
        if (const auto n = by_name_.find(rest); n != by_name_.end()) return on_state(devices_.at(n->second), payload);
        constexpr std::string_view suffix = "/availability";
        if (rest.size() > suffix.size() && rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) == 0) {
            const std::string name = rest.substr(0, rest.size() - suffix.size());
            if (payload.empty()) {  // a cleared retained message (rename, removal)
                availability_.erase(name);
                return;
            }
            const auto word = online_word(payload);
            if (!word) return refused("availability of " + printable(name) + " is not online/offline");
            // Kept for devices bridge/devices has not listed yet (retained messages come in any order).
            if (availability_.size() < k_max_devices * 2 || availability_.contains(name)) availability_[name] = *word;
            const auto n = by_name_.find(name);
            if (n == by_name_.end()) return;
            device& d = devices_.at(n->second);
            d.availability = *word;
            report_online(d);
        }
    }

    void on_bridge_state(const std::string& payload) {
        const auto word = online_word(payload);
        if (!word) return refused("bridge/state is not online/offline: " + printable(payload));
        if (*word != bridge_online_) host().info(std::string("z2m: the bridge is ") + (*word ? "online" : "offline"));
        bridge_online_ = *word;
        report_all();
    }

    void on_state(device& d, const std::string& payload) {
        if (payload.empty()) return;  // a cleared retained message
        if (payload.size() > k_max_state_bytes) {
            refused("state of " + printable(d.m.friendly_name) + " is " + std::to_string(payload.size()) + " bytes");
            return;
        }
        const json doc = parse_bounded(payload, k_max_depth);
        if (!doc.is_object()) {
            refused("state of " + printable(d.m.friendly_name) + " is not a JSON object: " + printable(payload));
            return;
        }
        const decoded_state s = decode_state(d.m, doc);
        if (!s.skipped.empty()) {
            std::string what;
            for (const auto& why : s.skipped) what += (what.empty() ? "" : ", ") + why;
            refused("state of " + printable(d.m.friendly_name) + ": " + printable(what) + " did not convert");
        }
        ++states_;
        if (!s.state.empty()) {
            d.state.update(s.state);
            host().report_state(d.m.id, s.state);
            pending_.on_state(d.m.id, s.state);
        }
        for (const auto& e : s.events) host().report_event(d.m.id, {{"event_type", e}});
    }

    void on_devices(const std::string& payload) {
        const json doc = parse_bounded(payload, k_max_depth);
        if (!doc.is_array()) return refused("bridge/devices is not a JSON array");
        std::map<std::string, device_mapping> next;
        std::set<std::string> names;
        std::size_t index = 0;
        for (const auto& entry : doc) {
            if (++index > k_max_devices) {
                refused("bridge/devices lists more than " + std::to_string(k_max_devices) + " devices");
                break;
            }
            map_result r = map_device(entry);
            if (r.mapping && !usable_name(r.mapping->friendly_name))
                r = {std::nullopt, r.mapping->ieee + ": friendly_name is not usable as a topic"};
            if (r.mapping && (next.contains(r.mapping->id) || names.contains(r.mapping->friendly_name)))
                r = {std::nullopt, r.mapping->ieee + " '" + printable(r.mapping->friendly_name) + "': listed twice"};
            if (!r.mapping) {
                if (skip_logged_.size() > 4096) skip_logged_.clear();  // bounded: names are untrusted
                if (skip_logged_.insert(r.skipped).second) host().info("z2m: skipped " + r.skipped);
                continue;
            }
            names.insert(r.mapping->friendly_name);
            const std::string id = r.mapping->id;
            next.emplace(id, std::move(*r.mapping));
        }
        for (auto it = devices_.begin(); it != devices_.end();) {
            if (next.contains(it->first)) {
                ++it;
                continue;
            }
            host().info("z2m: " + it->first + " ('" + printable(it->second.m.friendly_name) + "') was removed");
            forget_topics(it->second);
            pending_.fail_device(it->first, status::offline, "z2m: the device was removed");
            host().remove_device(it->first);
            it = devices_.erase(it);
        }
        for (auto& [id, m] : next) update(std::move(m));
    }

    void update(device_mapping m) {
        const auto it = devices_.find(m.id);
        if (it == devices_.end()) {
            if (!host().register_device(m.descriptor)) {
                refused("the host refused the descriptor of " + m.id);
                return;
            }
            host().info("z2m: " + m.id + " ('" + printable(m.friendly_name) + "', " + m.type + ") registered");
            const std::string id = m.id;
            device& d =
                devices_.emplace(id, device{std::move(m), json::object(), std::nullopt, std::nullopt}).first->second;
            watch_topics(d);
            report_online(d);
            ask(d);
            return;
        }
        device& d = it->second;
        const bool renamed = d.m.friendly_name != m.friendly_name;
        const bool changed = d.m.descriptor != m.descriptor;
        if (renamed) {
            host().info("z2m: " + m.id + " renamed '" + printable(d.m.friendly_name) + "' -> '" +
                        printable(m.friendly_name) + "'");
            forget_topics(d);
        }
        if (changed && !host().register_device(m.descriptor)) {
            refused("the host refused the new descriptor of " + m.id);
            return;
        }
        d.m = std::move(m);
        if (renamed) {
            watch_topics(d);
            report_online(d);
        }
        if (renamed || changed) ask(d);
    }

    /// Routes `<base>/<friendly_name>` to the device, with the availability already known.
    void watch_topics(device& d) {
        by_name_[d.m.friendly_name] = d.m.id;
        const auto a = availability_.find(d.m.friendly_name);
        d.availability = a == availability_.end() ? std::nullopt : std::optional<bool>(a->second);
    }

    void forget_topics(device& d) { by_name_.erase(d.m.friendly_name); }

    /// Asks Zigbee2MQTT to read the gettable properties (`/get`); they arrive as a state.
    void ask(const device& d) {
        if (d.m.gettable.empty()) return;
        json get = json::object();
        for (const auto& p : d.m.gettable) get[p] = "";
        link_.publish(base_ + "/" + d.m.friendly_name + "/get", get.dump());
    }

    std::string base_;
    std::string url_;
    milliseconds command_timeout_;
    link link_;
    kit::pending_commands pending_;
    std::map<std::string, device> devices_;       ///< by Hearth id
    std::map<std::string, std::string> by_name_;  ///< friendly name -> Hearth id
    std::map<std::string, bool> availability_;    ///< friendly name -> last /availability (bounded)
    std::set<std::string> skip_logged_;
    bool bridge_online_ = true;  ///< until bridge/state says otherwise
    bool was_down_ = false;
    std::uint64_t states_ = 0;
    std::uint64_t refused_ = 0;
};

}  // namespace hearth::z2m

HEARTH_KIT_DRIVER(hearth::z2m::z2m_driver, "z2m", "1.0.0", "Zigbee devices through a Zigbee2MQTT instance (MQTT)")
