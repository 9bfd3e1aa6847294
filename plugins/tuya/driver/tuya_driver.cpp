// Role: the tuya driver: one Tuya Wi-Fi device over the LAN protocol 3.3/3.4/3.5 (tuya_link), its
// data points mapped to a Hearth device by the category's JSON mapping (tuya_mapping.hpp, files
// in tuya-models/ next to this plugin's .so). Queries the DPS on every connect, reports STATUS
// pushes as they come, sends heartbeats, reconnects with exponential backoff, reports
// availability with hysteresis (offline after offline_after_failures failed connections or
// silent deadlines in a row), and completes commands only when the device reports the written
// DPS (kit::pending_commands). The local key is a secret: it is never logged.
#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include "tuya_link.hpp"
#include "tuya_mapping.hpp"

#include <hearth/kit/availability.hpp>
#include <hearth/kit/driver.hpp>
#include <hearth/kit/pending_commands.hpp>

#include <boost/asio/steady_timer.hpp>

#include <dlfcn.h>

#include <algorithm>

namespace hearth::tuya {

namespace {

using std::chrono::milliseconds;

constexpr const char* k_config_schema = R"({
  "type": "object", "additionalProperties": false,
  "required": ["host", "device_id", "local_key", "version", "category", "id"],
  "properties": {
    "host": {"type": "string", "minLength": 1},
    "port": {"type": "integer", "minimum": 1, "maximum": 65535},
    "device_id": {"type": "string", "pattern": "^[A-Za-z0-9]{1,64}$"},
    "local_key": {"type": "string", "minLength": 16, "maxLength": 16, "x-secret": true},
    "version": {"type": "string", "enum": ["3.3", "3.4", "3.5"]},
    "category": {"type": "string", "pattern": "^[a-z0-9_-]{1,64}$"},
    "mapping_dir": {"type": "string", "minLength": 1},
    "id": {"type": "string", "pattern": "^[a-z0-9_-]{1,64}$"},
    "name": {"type": "string"},
    "timeout_ms": {"type": "integer", "minimum": 50, "maximum": 60000},
    "heartbeat_ms": {"type": "integer", "minimum": 100, "maximum": 600000},
    "reconnect_min_ms": {"type": "integer", "minimum": 10, "maximum": 600000},
    "reconnect_max_ms": {"type": "integer", "minimum": 10, "maximum": 3600000},
    "command_timeout_ms": {"type": "integer", "minimum": 100, "maximum": 600000},
    "offline_after_failures": {"type": "integer", "minimum": 1, "maximum": 1000}}})";

/// "<dir of this .so>/tuya-models", or "tuya-models" if dladdr cannot tell.
std::string default_mapping_dir() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&default_mapping_dir), &info) != 0 && info.dli_fname != nullptr) {
        std::string path = info.dli_fname;
        const auto slash = path.rfind('/');
        if (slash != std::string::npos) return path.substr(0, slash) + "/tuya-models";
    }
    return "tuya-models";
}

/// The "dps" object of a device document: top level (3.3, query answers) or under "data"
/// (3.4/3.5 STATUS pushes); null when there is none.
const json* dps_of(const json& doc) {
    if (!doc.is_object()) return nullptr;
    if (const auto d = doc.find("dps"); d != doc.end() && d->is_object()) return &*d;
    if (const auto data = doc.find("data"); data != doc.end() && data->is_object())
        if (const auto d = data->find("dps"); d != data->end() && d->is_object()) return &*d;
    return nullptr;
}

/// At most 120 printable characters of untrusted device text for a log line.
std::string printable(const std::string& text) {
    std::string out;
    for (const char c : text.substr(0, 120)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    return out;
}

link_options link_options_of(const json& cfg) {
    const auto key = parse_local_key(cfg.at("local_key").get<std::string>());
    if (!key) throw std::invalid_argument("config: 'local_key' must be 16 characters");
    link_options o;
    o.host = cfg.at("host");
    o.port = cfg.value<std::uint16_t>("port", k_device_port);
    o.version = *parse_version(cfg.at("version").get<std::string>());
    o.local_key = *key;
    o.timeout = milliseconds(cfg.value("timeout_ms", 5000));
    o.heartbeat = milliseconds(cfg.value("heartbeat_ms", 10000));
    const std::string dev = cfg.at("device_id");
    o.heartbeat_payload = json{{"gwId", dev}, {"devId", dev}}.dump();
    return o;
}

}  // namespace

class tuya_driver final : public kit::driver {
public:
    static constexpr const char* manifest = R"({"network": ["tcp_client"], "read_paths": ["tuya-models"]})";
    static constexpr const char* config_schema = k_config_schema;

    tuya_driver(kit::context& ctx, const json& config)
        : driver(ctx),
          map_(load_mapping_file(config.value("mapping_dir", default_mapping_dir()),
                                 config.at("category").get<std::string>())),
          id_(config.at("id")),
          name_(config.value("name", map_.name)),
          device_id_(config.at("device_id")),
          opts_(link_options_of(config)),
          reconnect_min_(milliseconds(config.value("reconnect_min_ms", 1000))),
          reconnect_max_(std::max(reconnect_min_, milliseconds(config.value("reconnect_max_ms", 60000)))),
          command_timeout_(milliseconds(config.value("command_timeout_ms", 10000))),
          link_(io(), opts_),
          online_(
              [this](bool online) {
                  host().report_availability(id_, online);
                  if (online) {
                      host().info("tuya " + id_ + " is online");
                  } else {
                      host().warn("tuya " + id_ + " is offline");
                  }
              },
              config.value("offline_after_failures", 2)),
          pending_(io(), host()),
          reconnect_timer_(io()),
          backoff_(reconnect_min_) {
        link_.on_up([this] { query(); });
        link_.on_down([this](const kit::net_error& e) { down(e); });
        link_.on_message([this](const message& m) { on_message(m); });
        link_.on_refused([this](const std::string& why) {
            host().warn("tuya " + id_ + ": dropped a frame from the device: " + why);
        });
    }

    void start() override {
        if (!host().register_device(make_descriptor(map_, id_, name_)))
            throw std::runtime_error("the host refused the descriptor of tuya " + map_.category);
        host().report_ready();
        host().info("tuya " + id_ + " (" + map_.category + ", protocol " + version_text(opts_.version) + ") at " +
                    opts_.host + ":" + std::to_string(opts_.port));
        link_.open();
    }

    status handle_command(const command& cmd) override {
        json writes;
        try {
            if (cmd.name == "set") {
                writes = cmd.params;
                for (const auto& [prop, v] : writes.items()) {
                    const auto* p = map_.find_property(prop);
                    if (p != nullptr && p->hidden)
                        throw std::invalid_argument("property '" + prop + "' is not writable");
                }
            } else {
                const auto* c = map_.find_command(cmd.name);
                if (c == nullptr) throw command_error(status::unsupported, "unknown command " + cmd.name);
                writes = json::object();
                for (const auto& [prop, v] : c->set.items()) {
                    if (v.is_string() && v.get<std::string>().starts_with("$")) {
                        const std::string param = v.get<std::string>().substr(1);
                        if (cmd.params.is_object() && cmd.params.contains(param)) writes[prop] = cmd.params[param];
                    } else {
                        writes[prop] = v;
                    }
                }
            }
            const json dps = dps_for(map_, writes);
            if (!link_.ready()) throw command_error(status::offline, "tuya " + id_ + " is not connected");
            // The device confirms with the values it stores: expect the round-tripped ones.
            json target = json::object();
            for (const auto& [prop, v] : writes.items()) {
                const auto* p = map_.find_property(prop);
                if (auto back = from_device(*p, dps[p->dp])) target[prop] = *back;
            }
            if (!link_.send(control_command(), control_payload(dps)))
                throw command_error(status::offline, "tuya " + id_ + " is not connected");
            pending_.expect(cmd.id, id_, target, command_timeout_);
            return status::pending;
        } catch (const std::invalid_argument& e) {
            throw command_error(status::invalid, e.what());
        }
    }

    void refresh(const std::string& device_id) override {
        if (device_id == id_ && link_.ready()) query();
    }

    void stop() override {
        reconnect_timer_.cancel();
        link_.close();  // no callback of the link runs after this
        pending_.fail_all(status::offline, "driver stopped");
        const link_stats& s = link_.stats();
        host().info("tuya " + id_ + " stopped: " + std::to_string(s.connects) + " connects, " +
                    std::to_string(s.frames_in) + " frames in, " + std::to_string(s.frames_out) + " out, " +
                    std::to_string(s.refused) + " refused, " + std::to_string(s.timeouts) + " timeouts");
    }

private:
    [[nodiscard]] bool modern() const { return opts_.version != protocol_version::v33; }
    [[nodiscard]] std::uint32_t control_command() const { return modern() ? cmd::control_new : cmd::control; }
    [[nodiscard]] std::int64_t now_s() const { return static_cast<std::int64_t>(host().now_ms() / 1000); }

    std::string control_payload(const json& dps) const {
        if (modern()) return json{{"protocol", 5}, {"t", now_s()}, {"data", {{"dps", dps}}}}.dump();
        return json{{"devId", device_id_}, {"uid", ""}, {"t", std::to_string(now_s())}, {"dps", dps}}.dump();
    }

    void query() {
        const json q = {{"gwId", device_id_},
                        {"devId", device_id_},
                        {"uid", device_id_},
                        {"t", std::to_string(now_s())},
                        {"dps", json::object()}};
        link_.send(modern() ? cmd::dp_query_new : cmd::dp_query, q.dump());
    }

    void on_message(const message& m) {
        if (m.retcode && *m.retcode != 0) {
            host().warn("tuya " + id_ + ": the device answered command " + std::to_string(m.cmd) + " with code " +
                        std::to_string(*m.retcode) + ": " + printable(payload_text(m.payload)));
            return;
        }
        healthy();
        if (m.payload.empty()) return;  // heartbeat answers and control acknowledgements
        const std::string text = payload_text(m.payload);
        const json doc = json::parse(text, nullptr, false);
        const json* dps = dps_of(doc);
        if (dps == nullptr) {
            host().debug("tuya " + id_ + ": a frame without DPS (command " + std::to_string(m.cmd) +
                         "): " + printable(text));
            return;
        }
        std::vector<std::string> skipped;
        const json state = state_from_dps(map_, *dps, &skipped);
        for (const auto& s : skipped) host().debug("tuya " + id_ + ": skipped " + s);
        if (state.empty()) return;
        // Hidden properties (a curtain's control DP) complete commands but are not the device's state.
        if (const json visible = visible_state(map_, state); !visible.empty()) host().report_state(id_, visible);
        pending_.on_state(id_, state);
    }

    /// An authenticated frame arrived: the device is there and the connection works.
    void healthy() {
        online_.success();
        backoff_ = reconnect_min_;
    }

    void down(const kit::net_error& e) {
        online_.failure();
        pending_.fail_device(id_, status::offline, "tuya " + id_ + ": connection lost: " + e.message);
        const int n = online_.consecutive_failures();
        const std::string line =
            "tuya " + id_ + ": " + e.message + "; reconnecting in " + std::to_string(backoff_.count()) + " ms";
        if (e.code == status::device_error) {
            host().error(line);  // a wrong local key: hearthd counts driver errors in health
        } else if (n <= 1 || n == online_failures_logged_) {
            host().warn(line);
        } else {
            host().debug(line);
        }
        reconnect_timer_.expires_after(backoff_);
        reconnect_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) link_.open();
        });
        backoff_ = std::min(backoff_ * 2, reconnect_max_);
    }

    category_mapping map_;
    std::string id_;
    std::string name_;
    std::string device_id_;
    link_options opts_;
    milliseconds reconnect_min_;
    milliseconds reconnect_max_;
    milliseconds command_timeout_;
    link link_;
    kit::availability online_;
    kit::pending_commands pending_;
    boost::asio::steady_timer reconnect_timer_;
    milliseconds backoff_;
    int online_failures_logged_ = 2;
};

}  // namespace hearth::tuya

HEARTH_KIT_DRIVER(hearth::tuya::tuya_driver, "tuya", "1.0.0",
                  "Tuya Wi-Fi devices over the local LAN protocol 3.3/3.4/3.5")
