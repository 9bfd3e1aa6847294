// shelly: Shelly Gen2/Gen3 devices over their local JSON-RPC API, configured by host (no mDNS),
// grown from the toolkit's worked example (examples/shelly_plug). Per configured device:
// Shelly.GetDeviceInfo + GetStatus + GetConfig enumerate its components (switch, light, cover,
// input), each registered as its own Hearth device; Shelly.GetStatus is polled over HTTP (the
// fallback), and the WebSocket channel ws://host/rpc pushes NotifyStatus/NotifyFullStatus
// updates and NotifyEvent button presses. HTTP and WebSocket use the device's digest auth (user
// "admin", SHA-256). Everything runs on the driver's one io thread (hearth::kit).
#include "shelly_model.hpp"
#include "shelly_schema.hpp"
#include "shelly_ws_auth.hpp"

#include <hearth/kit/availability.hpp>
#include <hearth/kit/devices.hpp>
#include <hearth/kit/digest_auth.hpp>
#include <hearth/kit/driver.hpp>
#include <hearth/kit/http_client.hpp>
#include <hearth/kit/pending_commands.hpp>
#include <hearth/kit/poller.hpp>
#include <hearth/kit/websocket_client.hpp>

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace kit = hearth::kit;
namespace shelly = hearth::shelly;
using hearth::json;
using std::chrono::milliseconds;

class shelly_driver final : public kit::driver {
public:
    static constexpr const char* manifest = R"({"network": ["tcp_client"]})";
    static constexpr const char* config_schema = shelly::k_config_schema;

    shelly_driver(kit::context& ctx, const json& config) : driver(ctx), pending_(io(), host()) {
        interval_ = milliseconds{1000 * config.value("poll_interval_s", 10)};
        command_timeout_ = milliseconds{config.value("command_timeout_ms", 10'000)};
        ws_retry_ = milliseconds{1000 * config.value("websocket_retry_s", 10)};
        const milliseconds timeout{config.value("timeout_ms", 3000)};
        const int failures = config.value("offline_after_failures", 3);
        for (const json& c : config.at("devices")) {
            auto dev = std::make_unique<device>(io());
            dev->id = c.at("id").get<std::string>();
            for (const auto& other : devices_) {
                if (other->id == dev->id) throw std::invalid_argument("devices: the id '" + dev->id + "' repeats");
            }
            dev->name = c.value("name", dev->id);
            kit::http_options http{
                .host = c.at("host"), .port = c.value<std::uint16_t>("port", 80), .timeout = timeout};
            if (c.contains("password")) {
                http.username = "admin";  // Gen2+: always "admin", SHA-256 digest
                http.password = c.at("password");
                http.auth = kit::http_auth::digest;
                dev->password = http.password;
            }
            dev->http = std::make_unique<kit::http_client>(io(), http);
            device& d = *dev;
            d.online = std::make_unique<kit::availability>(
                [this, &d](bool online) {
                    for (const auto& [key, hid] : d.ids) host().report_availability(hid, online);
                    if (!online) {
                        for (const auto& [key, hid] : d.ids)
                            pending_.fail_device(hid, hearth::status::offline, d.id + " is offline");
                    }
                },
                failures);
            d.poller = std::make_unique<kit::poller>(
                io(), kit::poll_options{.interval = interval_, .max_backoff = 6 * interval_},
                [this, &d](kit::poller::done_fn done) { poll(d, std::move(done)); });
            if (c.value("websocket", true)) {
                d.ws = std::make_unique<kit::websocket_client>(
                    io(), kit::websocket_options{
                              .host = http.host, .port = http.port, .target = "/rpc", .connect_timeout = timeout});
                d.ws->on_message([this, &d](const std::string& m) { on_ws_message(d, m); });
                d.ws->on_closed([this, &d](const kit::net_error& why) {
                    host().info(d.id + ": notification channel closed (" + why.message + "); polling continues");
                    schedule_ws(d);
                });
            }
            devices_.push_back(std::move(dev));
        }
    }

    void start() override {
        for (auto& d : devices_) d->poller->start();
        host().report_ready();
    }

    hearth::status handle_command(const hearth::command& cmd) override {
        auto t = targets_.find(cmd.device_id);
        if (t == targets_.end()) throw hearth::command_error(hearth::status::invalid, "unknown device");
        device& d = *t->second.dev;
        const shelly::component& c = d.components.at(t->second.index);
        json params = {{"id", c.id}};
        std::string method;
        json expect;  // the state that confirms the command; null: the device's answer does
        const json& p = cmd.params;
        switch (c.type) {
        case shelly::kind::switch_:
        case shelly::kind::light: {
            const std::string prefix = c.type == shelly::kind::switch_ ? "Switch." : "Light.";
            if (cmd.name == "toggle") {
                method = prefix + "Toggle";
                break;
            }
            method = prefix + "Set";
            if (cmd.name == "turn_on" || cmd.name == "turn_off") {
                params["on"] = cmd.name == "turn_on";
            } else if (cmd.name == "set") {
                if (p.contains("on")) params["on"] = p["on"];
                if (c.type == shelly::kind::light && p.contains("brightness")) params["brightness"] = p["brightness"];
                if (params.size() == 1) {
                    throw hearth::command_error(
                        hearth::status::unsupported,
                        "only 'on'" + std::string(c.type == shelly::kind::light ? " and 'brightness'" : "") +
                            " can be set");
                }
            } else {
                throw hearth::command_error(hearth::status::unsupported, "unknown command '" + cmd.name + "'");
            }
            expect = params;
            expect.erase("id");
            break;
        }
        case shelly::kind::cover:
            if (cmd.name == "open") {
                method = "Cover.Open";
            } else if (cmd.name == "close") {
                method = "Cover.Close";
            } else if (cmd.name == "stop") {
                method = "Cover.Stop";
            } else if (cmd.name == "set" && p.contains("position") && p.size() == 1) {
                method = "Cover.GoToPosition";
                params["pos"] = p["position"];
            } else {
                throw hearth::command_error(hearth::status::unsupported, "a cover takes open, close, stop or position");
            }
            break;
        case shelly::kind::input:
            throw hearth::command_error(hearth::status::unsupported, "an input takes no commands");
        }
        rpc(d, method, params, [this, &d, id = cmd.id, hid = cmd.device_id, expect](const shelly::parsed<json>& r) {
            if (!r) return host().command_result(id, hearth::status::device_error, r.error);
            if (expect.is_null() || expect.empty()) {
                host().command_result(id, hearth::status::ok);
            } else {
                pending_.expect(id, hid, expect, command_timeout_);
            }
            d.poller->poll_now();  // a poll (or a notification) confirms it
        });
        return hearth::status::pending;
    }

    void refresh(const std::string& device_id) override {
        if (auto t = targets_.find(device_id); t != targets_.end()) t->second.dev->poller->poll_now();
    }

    void stop() override {
        for (auto& d : devices_) {
            d->poller->stop();
            d->ws_timer.cancel();
            if (d->ws) d->ws->close();
        }
        pending_.fail_all(hearth::status::offline, "the driver stopped");
    }

private:
    struct device {
        explicit device(kit::asio::io_context& io) : ws_timer(io) {}
        std::string id;
        std::string name;
        std::string password;
        std::unique_ptr<kit::http_client> http;
        std::unique_ptr<kit::availability> online;
        std::unique_ptr<kit::poller> poller;
        std::unique_ptr<kit::websocket_client> ws;
        boost::asio::steady_timer ws_timer;
        bool discovered = false;
        shelly::device_info info;
        std::vector<shelly::component> components;
        std::map<std::string, std::string> ids;  ///< component key -> Hearth device id
        json ws_auth;                            ///< the auth object once challenged
        bool ws_challenged = false;              ///< a 401 was answered on this connection
        std::uint64_t next_rpc = 1;
        bool auth_warned = false;
    };
    struct target {
        device* dev;
        std::size_t index;
    };
    using rpc_fn = std::function<void(shelly::parsed<json>)>;

    /// One JSON-RPC call over HTTP (POST /rpc); `done` gets the result or a precise reason.
    void rpc(device& d, const std::string& method, const json& params, rpc_fn done) {
        json frame = {{"id", d.next_rpc++}, {"method", method}};
        if (!params.is_null()) frame["params"] = params;
        d.http->post_json("/rpc", frame, [this, &d, method, done = std::move(done)](kit::result<json> r) {
            if (!r) {
                const std::string why = method + ": " + r.error().message;
                if (r.error().http_status == 401 && !d.auth_warned) {
                    d.auth_warned = true;  // once: the poll repeats it every interval
                    host().warn(d.id + ": " + why + " (check the password)");
                }
                return done(shelly::parsed<json>{std::nullopt, why});
            }
            done(shelly::rpc_result(*r, method));
        });
    }

    void poll(device& d, kit::poller::done_fn done) {
        if (!d.discovered) return discover(d, done);
        rpc(d, "Shelly.GetStatus", nullptr, [this, &d, done = std::move(done)](shelly::parsed<json> r) {
            if (!r || !r.value->is_object())
                return failed(d, r ? "Shelly.GetStatus: expected an object" : r.error, done);
            apply_status(d, *r.value);
            d.online->success();
            done(true);
        });
    }

    void failed(device& d, const std::string& why, const kit::poller::done_fn& done) {
        host().debug(d.id + ": " + why);
        d.online->failure();
        done(false);
    }

    /// GetDeviceInfo, GetStatus, GetConfig; then registers one Hearth device per component.
    void discover(device& d, const kit::poller::done_fn& done) {
        rpc(d, "Shelly.GetDeviceInfo", nullptr, [this, &d, done](shelly::parsed<json> info) {
            if (!info) return failed(d, info.error, done);
            auto parsed_info = shelly::parse_device_info(*info.value);
            if (!parsed_info) return failed(d, parsed_info.error, done);
            rpc(d, "Shelly.GetStatus", nullptr, [this, &d, done, i = *parsed_info.value](shelly::parsed<json> status) {
                if (!status) return failed(d, status.error, done);
                rpc(d, "Shelly.GetConfig", nullptr, [this, &d, done, i, s = *status.value](shelly::parsed<json> cfg) {
                    if (!cfg) return failed(d, cfg.error, done);
                    auto comps = shelly::parse_components(s, *cfg.value);
                    if (!comps) return failed(d, comps.error, done);
                    d.info = i;
                    register_components(d, std::move(*comps.value));
                    apply_status(d, s);
                    d.online->success();
                    done(true);
                    if (d.ws) connect_ws(d);
                });
            });
        });
    }

    void register_components(device& d, std::vector<shelly::component> comps) {
        d.components = std::move(comps);
        d.discovered = true;
        for (std::size_t i = 0; i < d.components.size(); ++i) {
            const shelly::component& c = d.components[i];
            const std::string hid = shelly::device_id_of(d.id, c);
            const std::string name =
                c.name.empty() ? d.name + " " + shelly::kind_name(c.type) + " " + std::to_string(c.id) : c.name;
            const json desc = shelly::descriptor_of(c, hid, name, d.info);
            if (!host().register_device(desc)) {
                host().warn(d.id + ": " + c.key + " was refused by the host");
                continue;
            }
            d.ids[c.key] = hid;
            targets_[hid] = target{&d, i};
        }
        host().info(d.id + ": " + d.info.id + " (" + d.info.app + " " + d.info.ver + ") with " +
                    std::to_string(d.ids.size()) + " components");
    }

    /// Reports every known component in a (full or partial) status object.
    void apply_status(device& d, const json& status) {
        for (std::size_t i = 0; i < d.components.size(); ++i) {
            const shelly::component& c = d.components[i];
            auto it = status.find(c.key);
            auto hid = d.ids.find(c.key);
            if (it == status.end() || hid == d.ids.end()) continue;
            auto state = shelly::component_state(c, *it);
            if (!state) {
                host().debug(d.id + ": " + state.error);
                continue;
            }
            if (state.value->empty()) continue;
            host().report_state(hid->second, *state.value);
            pending_.on_state(hid->second, *state.value);
        }
    }

    void schedule_ws(device& d) {
        d.ws_timer.expires_after(ws_retry_);
        d.ws_timer.async_wait([this, &d](const boost::system::error_code& ec) {
            if (!ec) connect_ws(d);
        });
    }

    void connect_ws(device& d) {
        d.ws_challenged = false;
        d.ws->connect([this, &d](std::optional<kit::net_error> e) {
            if (e) {
                host().debug(d.id + ": " + e->message);
                return schedule_ws(d);
            }
            host().info(d.id + ": notification channel open (" + d.ws->url() + ")");
            send_ws_hello(d);
        });
    }

    /// A request with our "src" makes the device send its notifications to this connection.
    void send_ws_hello(device& d) {
        json frame = {{"id", d.next_rpc++}, {"src", "hearth-" + instance_id()}, {"method", "Shelly.GetStatus"}};
        if (!d.ws_auth.is_null()) frame["auth"] = d.ws_auth;
        d.ws->send(frame.dump());
    }

    void on_ws_message(device& d, const std::string& message) {
        const json frame = json::parse(message, nullptr, false);
        if (!frame.is_object()) return host().debug(d.id + ": notification channel: a frame that is not a JSON object");
        if (auto err = frame.find("error"); err != frame.end()) {
            auto challenge = shelly::ws_challenge(*err);
            if (!challenge || d.password.empty() || d.ws_challenged) {
                host().warn(d.id + ": notification channel: " + shelly::rpc_result(frame, "Shelly.GetStatus").error);
                d.ws->close();
                return schedule_ws(d);
            }
            auto auth = shelly::ws_auth(*challenge, d.password, kit::make_cnonce());
            if (!auth) {
                host().warn(d.id + ": notification channel: an authentication challenge Hearth cannot answer");
                d.ws->close();
                return schedule_ws(d);
            }
            d.ws_challenged = true;
            d.ws_auth = *auth;
            return send_ws_hello(d);
        }
        if (frame.contains("result")) {  // the answer to our hello: the full status
            if (const json& r = frame["result"]; r.is_object() && d.discovered) {
                apply_status(d, r);
                d.online->success();
            }
            return;
        }
        auto n = shelly::parse_notification(frame);
        if (!n) return host().debug(d.id + ": notification channel: " + n.error);
        apply_status(d, n.value->status);
        for (const auto& p : n.value->presses) {
            auto hid = d.ids.find(p.component);
            if (hid != d.ids.end()) host().report_event(hid->second, {{"event_type", p.event}});
        }
        d.online->success();
    }

    std::vector<std::unique_ptr<device>> devices_;
    std::map<std::string, target> targets_;
    kit::pending_commands pending_;
    milliseconds interval_{10'000};
    milliseconds command_timeout_{10'000};
    milliseconds ws_retry_{10'000};
};

HEARTH_KIT_DRIVER(shelly_driver, "shelly", "1.0.0",
                  "Shelly Gen2/Gen3 devices (switch/plug with metering, dimmer, cover, input) over local RPC")
