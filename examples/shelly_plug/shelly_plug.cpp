// shelly_plug: Shelly Gen2 plugs (Plus Plug S and friends) over their local RPC HTTP API — the
// worked example of docs/writing-a-driver.md. Per plug: poll Switch.GetStatus, report on / power /
// energy, go offline after N failed polls; "set on" calls Switch.Set and completes when a poll
// confirms the new state. Everything runs on the driver's one io thread (hearth::kit).
#include <hearth/kit/availability.hpp>
#include <hearth/kit/devices.hpp>
#include <hearth/kit/driver.hpp>
#include <hearth/kit/http_client.hpp>
#include <hearth/kit/pending_commands.hpp>
#include <hearth/kit/poller.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace kit = hearth::kit;
using hearth::json;
using std::chrono::milliseconds;

class shelly_plug final : public kit::driver {
public:
    static constexpr const char* manifest = R"({"network": ["tcp_client"]})";
    static constexpr const char* config_schema = R"({
      "type": "object", "additionalProperties": false, "required": ["plugs"],
      "properties": {
        "plugs": {"type": "array", "minItems": 1, "items": {
          "type": "object", "additionalProperties": false, "required": ["id", "host"],
          "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9_-]{1,64}$"},
            "name": {"type": "string", "minLength": 1},
            "host": {"type": "string", "minLength": 1},
            "port": {"type": "integer", "minimum": 1, "maximum": 65535},
            "password": {"type": "string", "x-secret": true}}}},
        "poll_interval_s": {"type": "integer", "minimum": 1, "maximum": 3600},
        "timeout_ms": {"type": "integer", "minimum": 100, "maximum": 30000},
        "offline_after_failures": {"type": "integer", "minimum": 1, "maximum": 100}}})";

    // The host has checked `config` against config_schema: required keys are there, types right.
    shelly_plug(kit::context& ctx, const json& config) : driver(ctx), pending_(io(), host()) {
        const milliseconds interval{1000 * config.value("poll_interval_s", 10)};
        const milliseconds timeout{config.value("timeout_ms", 3000)};
        const int failures = config.value("offline_after_failures", 3);
        for (const json& p : config.at("plugs")) {
            const auto id = p.at("id").get<std::string>();
            kit::http_options http{
                .host = p.at("host"), .port = p.value<std::uint16_t>("port", 80), .timeout = timeout};
            if (p.contains("password")) {
                http.username = "admin";  // Gen2 devices: user "admin", SHA-256 digest
                http.password = p.at("password");
            }
            auto& plug =
                *plugs_.emplace(id, std::make_unique<plug_state>(io(), http, host(), id, failures)).first->second;
            plug.name = p.value("name", id);
            plug.poller = std::make_unique<kit::poller>(
                io(), kit::poll_options{.interval = interval, .max_backoff = 6 * interval},
                [this, &plug](kit::poller::done_fn done) { poll(plug, done); });
        }
    }

    void start() override {
        for (auto& [id, plug] : plugs_) {
            host().register_device(kit::plug(id, plug->name).metering().info("Shelly", "Gen2 plug"));
            plug->poller->start();
        }
        host().report_ready();
    }

    hearth::status handle_command(const hearth::command& cmd) override {
        plug_state& plug = *plugs_.at(cmd.device_id);  // the core only sends our own devices
        const bool on = cmd.name == "turn_on" || (cmd.name == "set" && cmd.params.value("on", false));
        if (cmd.name == "set" && !cmd.params.contains("on")) {
            throw hearth::command_error(hearth::status::unsupported, "only 'on' can be set");
        }
        const std::string target = std::string("/rpc/Switch.Set?id=0&on=") + (on ? "true" : "false");
        plug.http.get_json(target, [this, &plug, id = cmd.id, on](kit::result<json> r) {
            if (!r) return host().command_result(id, r.error().code, r.error().message);
            pending_.expect(id, plug.id, {{"on", on}}, milliseconds{5000});
            plug.poller->poll_now();  // the next status report confirms it
        });
        return hearth::status::pending;
    }

    void refresh(const std::string& device_id) override { plugs_.at(device_id)->poller->poll_now(); }

    void stop() override {
        for (auto& [id, plug] : plugs_) plug->poller->stop();
        pending_.fail_all(hearth::status::offline, "the driver stopped");
    }

private:
    struct plug_state {
        plug_state(kit::asio::io_context& io, const kit::http_options& options, hearth::host& h, std::string plug_id,
                   int failures)
            : id(std::move(plug_id)), http(io, options), online(h, id, failures) {}
        std::string id;
        std::string name;
        kit::http_client http;
        kit::availability online;
        std::unique_ptr<kit::poller> poller;
    };

    void poll(plug_state& plug, const kit::poller::done_fn& done) {
        plug.http.get_json("/rpc/Switch.GetStatus?id=0", [this, &plug, done](kit::result<json> r) {
            if (!r || !r->is_object() || !r->contains("output") || !(*r)["output"].is_boolean()) {
                if (!r) host().debug(plug.id + ": " + r.error().message);
                plug.online.failure();
                if (!plug.online.online())
                    pending_.fail_device(plug.id, hearth::status::offline, plug.id + " is offline");
                return done(false);
            }
            const json& s = *r;
            const json state = {{"on", s["output"].get<bool>()},
                                {"power_w", number(s, "/apower")},
                                {"energy_kwh", number(s, "/aenergy/total") / 1000.0}};
            host().report_state(plug.id, state);  // the state first: it is fresh when the plug comes online
            plug.online.success();
            pending_.on_state(plug.id, state);
            done(true);
        });
    }

    /// The number at `pointer` in a device answer, 0 when absent or not a number (untrusted input).
    static double number(const json& answer, const char* pointer) {
        const json::json_pointer at(pointer);
        return answer.contains(at) && answer.at(at).is_number() ? answer.at(at).get<double>() : 0.0;
    }

    std::map<std::string, std::unique_ptr<plug_state>> plugs_;
    kit::pending_commands pending_;
};

HEARTH_KIT_DRIVER(shelly_plug, "shelly_plug", "1.0.0", "Shelly Gen2 plugs over the local RPC HTTP API")
