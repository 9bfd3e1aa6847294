// Role: the yeelight driver: one Hearth `light` per configured Yeelight bulb, controlled over the
// bulb's LAN protocol (JSON lines on TCP 55443), all on the toolkit's one io thread (hearth::kit).
// Per bulb: a kit::line_connection, pipelined requests matched to replies by id (stale ids are
// ignored), reconnects with exponential backoff, kit::availability hysteresis (online once the
// bulb answers get_prop, offline after N failures in a row) and a get_prop heartbeat that also
// catches bulbs that vanish without closing the connection. State is never optimistic: a command
// completes (kit::pending_commands) when a props notification or get_prop shows its target.
#include "protocol.hpp"
#include "yeelight_schema.hpp"

#include <hearth/kit/availability.hpp>
#include <hearth/kit/devices.hpp>
#include <hearth/kit/driver.hpp>
#include <hearth/kit/line_connection.hpp>
#include <hearth/kit/pending_commands.hpp>

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <vector>

namespace hearth::yeelight {

namespace {

namespace kit = hearth::kit;
using boost::asio::steady_timer;
using std::chrono::milliseconds;

/// How often a connected bulb is asked for its state; silence closes the connection.
constexpr milliseconds k_heartbeat{30'000};
constexpr milliseconds k_max_reconnect{30'000};

/// One protocol request of a command.
struct step {
    std::string method;
    json params;
};

/// How one request ended: ok with the reply's result, device_error, offline or timeout.
struct outcome {
    status code = status::ok;
    std::string message;
    json result;
};
using done_fn = std::function<void(const outcome&)>;

struct bulb {
    bulb(kit::asio::io_context& io, const json& cfg, milliseconds timeout, kit::availability::report_fn report,
         int failures)
        : id(cfg.at("id")),
          name(cfg.value("name", id)),
          conn(io, {.host = cfg.at("host"),
                    .port = cfg.value<std::uint16_t>("port", 55443),
                    .connect_timeout = timeout,
                    .max_line = k_max_line,
                    .line_ending = ""}),  // encode_request ends it
          timer(io),
          online(std::move(report), failures) {}
    struct request {
        done_fn done;
        std::unique_ptr<steady_timer> deadline;
    };
    std::string id;
    std::string name;
    kit::line_connection conn;
    steady_timer timer;  ///< the next reconnect or heartbeat
    kit::availability online;
    milliseconds backoff{0};
    std::uint64_t next_id = 1;  ///< never reused, so stale replies never match
    std::map<std::uint64_t, request> in_flight;
    json state = json::object();  ///< merged last reported state
    std::uint64_t invalid_lines = 0;
};

}  // namespace

class yeelight_driver final : public kit::driver {
public:
    static constexpr const char* manifest = R"({"network": ["tcp_client"]})";
    static constexpr const char* config_schema = k_config_schema;  // checked by the host first

    yeelight_driver(kit::context& ctx, const json& config)
        : driver(ctx),
          timeout_(config.value("timeout_ms", 3000)),
          reconnect_(config.value("reconnect_ms", 1000)),
          failures_(config.value("offline_after_failures", 3)),
          effect_(config.value("effect", "smooth")),
          duration_ms_(config.value("duration_ms", 300)),
          pending_(io(), host()) {
        const json& lights = config.at("lights");
        for (std::size_t i = 0; i < lights.size(); ++i) {  // the one rule JSON Schema cannot state
            const auto id = lights[i].at("id").get<std::string>();
            if (bulbs_.count(id) != 0) {
                throw std::invalid_argument("yeelight config: \"lights[" + std::to_string(i) +
                                            "].id\" repeats an id used before");
            }
            auto report = [this, id](bool up) {
                log(up ? log_level::info : log_level::warn, id, up ? "bulb is online" : "bulb is offline");
                host().report_availability(id, up);
            };
            auto& b =
                *bulbs_.emplace(id, std::make_unique<bulb>(io(), lights[i], timeout_, report, failures_)).first->second;
            b.backoff = reconnect_;
            b.conn.on_line([this, &b](const std::string& line) { on_line(b, line); });
            b.conn.on_closed([this, &b](const kit::net_error& why) {
                fail_requests(b, "the connection to the bulb was lost");
                failed(b, why.message);
            });
        }
    }

    void start() override {
        const auto ct = kit::property::integer(k_min_ct, k_max_ct).unit("K");
        for (auto& [id, b] : bulbs_) {
            const kit::device light =
                kit::light(id, b->name)
                    .dimmable()
                    .color_temp(k_min_ct, k_max_ct)
                    .command("turn_on", {{"brightness", kit::property::integer(1, 100)}, {"color_temp_k", ct}})
                    .info("Yeelight", "Yeelight LAN bulb", "yeelight 1.0.0");
            if (!host().register_device(light)) throw std::runtime_error("the host refused the descriptor of " + id);
        }
        host().report_ready();  // availability follows once each bulb answers (or fails N times)
        for (auto& [id, b] : bulbs_) connect(*b);
    }

    status handle_command(const command& cmd) override {
        const auto it = bulbs_.find(cmd.device_id);
        if (it == bulbs_.end()) throw command_error(status::invalid, "unknown device " + cmd.device_id);
        bulb& b = *it->second;
        json target = json::object();
        std::vector<step> steps = plan(cmd, b, target);
        if (steps.empty()) return status::ok;
        if (!b.conn.connected()) throw command_error(status::offline, "bulb " + b.id + " is not connected");
        send(b, cmd.id, steps, std::move(target));
        return status::pending;
    }

    void refresh(const std::string& device_id) override {
        if (const auto it = bulbs_.find(device_id); it != bulbs_.end()) get_state(*it->second, false);
    }

    void stop() override {
        for (auto& [id, b] : bulbs_) {
            b->timer.cancel();
            b->conn.close();
            fail_requests(*b, "driver stopped");
        }
        pending_.fail_all(status::offline, "driver stopped");
    }

private:
    // ---- from a Hearth command to protocol requests --------------------------------------------

    [[nodiscard]] step power(bool on) const { return {"set_power", {on ? "on" : "off", effect_, duration_ms_}}; }

    /// The requests of a command, in the order they must be sent: power on first, then
    /// brightness and color temperature, power off last; brightness 0 means off. Fills `target`
    /// with the state the bulb must report for the command to complete.
    std::vector<step> plan(const command& cmd, const bulb& b, json& target) const {
        const json& p = cmd.params;
        if (cmd.name == "turn_off") {
            target["on"] = false;
            return {power(false)};
        }
        if (cmd.name == "toggle") {
            if (b.state.contains("on")) target["on"] = !b.state["on"].get<bool>();
            return {{"toggle", json::array()}};
        }
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
            const auto percent = std::clamp<std::int64_t>(p["brightness"].get<std::int64_t>(), 0, 100);
            if (percent == 0 && cmd.name == "set") {
                on = false;
            } else {
                target["brightness"] = std::max<std::int64_t>(percent, 1);
                brightness = step{"set_bright", {target["brightness"], effect_, duration_ms_}};
            }
        }
        if (on == true) steps.push_back(power(true));
        if (brightness) steps.push_back(*brightness);
        if (p.contains("color_temp_k")) {
            target["color_temp_k"] = clamp_ct(p["color_temp_k"].get<std::int64_t>());
            steps.push_back({"set_ct_abx", {target["color_temp_k"], effect_, duration_ms_}});
        }
        if (on == false) steps.push_back(power(false));
        if (on) target["on"] = *on;
        return steps;
    }

    /// Pipelines the requests. The first failure fails the command; when all succeeded, it
    /// completes once the bulb reports the target (get_prop reads back what it really did).
    void send(bulb& b, std::uint64_t id, const std::vector<step>& steps, json target) {
        struct batch {
            std::size_t remaining;
            outcome first_failure;
            json target;
        };
        auto all = std::make_shared<batch>(batch{steps.size(), {}, std::move(target)});
        for (const auto& s : steps) {
            request(b, s.method, s.params, [this, &b, id, all](const outcome& o) {
                outcome& f = all->first_failure;
                if (o.code != status::ok && f.code == status::ok) f = o;
                if (--all->remaining != 0) return;
                if (f.code != status::ok) host().command_result(id, f.code, "bulb " + b.id + ": " + f.message);
                if (f.code == status::ok) pending_.expect(id, b.id, all->target, timeout_);
                if (b.conn.connected()) get_state(b, false);
            });
        }
    }

    // ---- requests and replies -----------------------------------------------------------------

    /// Sends a request; `done` runs once with the reply, a timeout, or offline.
    void request(bulb& b, const std::string& method, const json& params, done_fn done) {
        const std::uint64_t id = b.next_id++;
        if (!b.conn.send_line(encode_request(id, method, params)))
            return done({status::offline, "bulb is not connected", {}});
        auto deadline = std::make_unique<steady_timer>(io(), timeout_);
        deadline->async_wait([this, &b, id](const boost::system::error_code& ec) {
            if (ec) return;
            finish(b, id,
                   {status::timeout, "no answer from the bulb within " + std::to_string(timeout_.count()) + " ms", {}});
        });
        b.in_flight.emplace(id, bulb::request{std::move(done), std::move(deadline)});
    }

    void finish(bulb& b, std::uint64_t id, const outcome& o) {
        const auto it = b.in_flight.find(id);
        if (it == b.in_flight.end()) return;
        done_fn done = std::move(it->second.done);
        it->second.deadline->cancel();
        b.in_flight.erase(it);
        done(o);
    }

    void fail_requests(bulb& b, const std::string& why) {
        auto left = std::move(b.in_flight);
        b.in_flight.clear();
        for (auto& [id, r] : left) {
            r.deadline->cancel();
            r.done({status::offline, why, {}});
        }
    }

    void on_line(bulb& b, const std::string& line) {
        if (line.empty()) return;
        const message m = parse_line(line);
        if (const auto* r = std::get_if<reply>(&m)) {
            if (b.in_flight.count(r->id) == 0)
                return log(log_level::debug, b.id, "ignored a reply to stale id " + std::to_string(r->id));
            finish(b, r->id,
                   r->ok ? outcome{status::ok, {}, r->result} : outcome{status::device_error, r->message, {}});
        } else if (const auto* n = std::get_if<notification>(&m)) {
            if (const json state = props_to_state(n->props); !state.empty()) report(b, state);
        } else if (const auto n = ++b.invalid_lines; n <= 5 || n % 100 == 0) {
            log(log_level::warn, b.id,
                "ignored an invalid line from the bulb (" + std::get<invalid_line>(m).why + "); " + std::to_string(n) +
                    " so far");
        }
    }

    // ---- the connection cycle -----------------------------------------------------------------

    void connect(bulb& b) {
        b.conn.connect([this, &b](const std::optional<kit::net_error>& error) {
            if (error) return failed(b, error->message);
            log(log_level::debug, b.id, "connected");
            get_state(b, true);
        });
    }

    /// Reads the bulb's state. A probe (at connect and as heartbeat) that gets no answer closes
    /// the connection: the link is half-open. Any answer, even an error, proves the bulb is there.
    void get_state(bulb& b, bool probe) {
        request(b, "get_prop", get_prop_params(), [this, &b, probe](const outcome& o) {
            if (o.code == status::offline) return;  // the connection closed: on_closed handles it
            if (o.code == status::timeout) {
                if (!probe) return log(log_level::warn, b.id, "get_prop: " + o.message);
                b.conn.close();
                fail_requests(b, "the bulb did not answer get_prop");
                return failed(b, "the bulb did not answer get_prop; reconnecting");
            }
            const json state = o.code == status::ok ? get_prop_result_to_state(o.result) : json::object();
            if (!state.empty()) report(b, state);
            if (state.empty()) log(log_level::warn, b.id, "get_prop gave no usable state " + o.message);
            b.online.success();
            if (probe) {
                b.backoff = reconnect_;
                arm(b, k_heartbeat);
            }
        });
    }

    void failed(bulb& b, const std::string& why) {
        const int n = b.online.consecutive_failures() + 1;  // logged before the offline report
        log(n > failures_ ? log_level::debug : log_level::warn, b.id, why + " (failure " + std::to_string(n) + ")");
        b.online.failure();
        if (!b.online.online()) pending_.fail_device(b.id, status::offline, "bulb " + b.id + " is offline");
        arm(b, b.backoff);
        b.backoff = std::min(b.backoff * 2, k_max_reconnect);
    }

    /// After `delay`: a heartbeat probe while connected, else a reconnect.
    void arm(bulb& b, milliseconds delay) {
        b.timer.expires_after(delay);
        b.timer.async_wait([this, &b](const boost::system::error_code& ec) {
            if (ec) return;
            b.conn.connected() ? get_state(b, true) : connect(b);
        });
    }

    void report(bulb& b, const json& state) {
        host().report_state(b.id, state);
        b.state.update(state);
        pending_.on_state(b.id, state);
    }

    void log(log_level level, const std::string& id, const std::string& text) const {
        host().log(level, "bulb " + id + ": " + text);
    }

    const milliseconds timeout_;
    const milliseconds reconnect_;
    const int failures_;
    const std::string effect_;
    const int duration_ms_;
    std::map<std::string, std::unique_ptr<bulb>> bulbs_;
    kit::pending_commands pending_;
};

}  // namespace hearth::yeelight

HEARTH_KIT_DRIVER(hearth::yeelight::yeelight_driver, "yeelight", "1.0.0",
                  "Yeelight Wi-Fi bulbs over the LAN control protocol (TCP 55443)")
