// Role: the isapi_camera driver: one `camera` device for one ISAPI IP camera, on the toolkit's one
// io thread (hearth::kit). kit::http_client (Digest auth, timeouts, body cap) carries snapshots
// and privacy-mask reads/writes; its stream() keeps the multipart alert stream open, reconnected
// with exponential backoff; kit::availability reports the camera offline after
// `offline_after_failures` failed attempts in a row. Alerts map to motion (with a motion-clear
// timer) and doorbell events.
#include "camera_config.hpp"
#include "camera_schema.hpp"
#include "isapi_xml.hpp"

#include <hearth/kit/availability.hpp>
#include <hearth/kit/devices.hpp>
#include <hearth/kit/driver.hpp>
#include <hearth/kit/http_client.hpp>

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <optional>
#include <set>

namespace hearth::isapi {

namespace {

namespace kit = hearth::kit;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr milliseconds k_doorbell_dedup{2000};  // cameras repeat an active IO alarm every second

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

/// The status a failed request completes a command with (a malformed answer is the device's fault).
status to_status(const kit::net_error& e) { return e.code == status::invalid ? status::device_error : e.code; }

kit::http_options http_options(const camera_config& c) {
    return {.host = c.host,
            .port = c.port,
            .timeout = c.timeout,
            .body_limit = c.snapshot_max_bytes,
            .username = c.username,
            .password = c.password,
            .auth = kit::http_auth::digest,  // never the password in clear
            .tls = c.tls,
            .ca_file = c.ca_file,
            .pin_sha256 = c.tls_pin_sha256,
            .stream_idle_timeout = c.stream_idle_timeout()};
}

}  // namespace

class isapi_camera final : public kit::driver {
public:
    static constexpr const char* manifest = R"({"network": ["tcp_client"]})";
    static constexpr const char* config_schema = k_config_schema;  // checked by the host first

    isapi_camera(kit::context& ctx, const json& config)
        : driver(ctx),
          cfg_(read_camera_config(config)),
          http_(std::make_unique<kit::http_client>(io(), http_options(cfg_))),
          retry_(io()),
          motion_timer_(io()),
          online_([this](bool up) { on_availability(up); }, cfg_.offline_after_failures),
          backoff_(cfg_.reconnect) {}

    void start() override {
        kit::device d = kit::camera(cfg_.id, cfg_.name);
        d.prop("online", kit::property::boolean())
            .prop("recording", kit::property::boolean())
            .prop("privacy_mode", kit::property::boolean().writable())
            .command("set_privacy", {{"on", kit::property::boolean().required()}})
            .event("doorbell")
            .event("snapshot")
            .info("ISAPI", "ISAPI IP camera (channel " + std::to_string(cfg_.channel) + ")", "isapi_camera 1.0.0");
        if (!host().register_device(d)) throw std::runtime_error("the host refused the camera descriptor");
        // Availability stays unknown until the first connection attempt succeeds or N fail.
        host().report_state(cfg_.id,
                            {{"online", false}, {"motion", false}, {"recording", false}, {"privacy_mode", false}});
        host().report_ready();
        host().info("camera " + cfg_.id + " at " + http_->endpoint() + ", channel " + std::to_string(cfg_.channel) +
                    ": opening the alert stream");
        open_stream();
    }

    status handle_command(const command& cmd) override {
        if (cmd.device_id != cfg_.id) throw command_error(status::invalid, "unknown device " + cmd.device_id);
        if (cmd.name == "snapshot") return snapshot(cmd.id);
        if (cmd.name == "set_privacy") {
            if (!cmd.params.contains("on") || !cmd.params["on"].is_boolean())
                throw command_error(status::invalid, "set_privacy needs a boolean 'on'");
            return set_privacy(cmd.id, cmd.params["on"].get<bool>());
        }
        if (cmd.name == "set") {
            if (cmd.params.size() != 1 || !cmd.params.contains("privacy_mode") ||
                !cmd.params["privacy_mode"].is_boolean()) {
                throw command_error(status::invalid, "only privacy_mode is writable");
            }
            return set_privacy(cmd.id, cmd.params["privacy_mode"].get<bool>());
        }
        throw command_error(status::unsupported, "unknown command " + cmd.name);
    }

    void refresh(const std::string& device_id) override {
        if (device_id == cfg_.id) read_privacy([](const std::optional<kit::net_error>&, bool) {});
    }

    void stop() override {
        stream_.stop();
        retry_.cancel();
        motion_timer_.cancel();
        http_.reset();  // drops every callback in flight: answer their commands here
        for (const auto id : std::exchange(pending_, {})) host().command_result(id, status::offline, "driver stopped");
    }

private:
    // ---- commands -----------------------------------------------------------------------------

    status snapshot(std::uint64_t id) {
        if (privacy_) throw command_error(status::invalid, "privacy mode is on");
        const auto now = steady_clock::now();
        if (last_snapshot_ && now - *last_snapshot_ < cfg_.snapshot_min_interval) {
            throw command_error(status::invalid, "snapshot rate limit: at most one every " +
                                                     std::to_string(cfg_.snapshot_min_interval.count()) + " ms");
        }
        last_snapshot_ = now;
        pending_.insert(id);
        const std::string path = "/ISAPI/Streaming/channels/" + std::to_string(cfg_.channel * 100 + 1) + "/picture";
        http_->get(path, [this, id](kit::result<kit::http_response> r) {
            if (!r) {
                if (r.error().code == status::invalid &&
                    r.error().message.find("exceeds the limit") != std::string::npos) {
                    host().warn("snapshot refused: the image is larger than snapshot_max_bytes (" +
                                std::to_string(cfg_.snapshot_max_bytes) + " bytes)");
                    return complete(id, status::device_error, "snapshot larger than snapshot_max_bytes");
                }
                host().warn("snapshot failed: " + r.error().message);
                return complete(id, to_status(r.error()), r.error().message);
            }
            const std::string& body = r->body;
            const auto* b = reinterpret_cast<const std::uint8_t*>(body.data());
            if (body.size() < 4 || b[0] != 0xFF || b[1] != 0xD8) {
                host().warn("snapshot failed: the camera's answer is not a JPEG image");
                return complete(id, status::device_error, "snapshot: the camera's answer is not a JPEG image");
            }
            host().report_event(cfg_.id, {{"event_type", "snapshot"},
                                          {"content_type", "image/jpeg"},
                                          {"image_base64", base64_encode({b, body.size()})},
                                          {"size_bytes", body.size()},
                                          {"captured_at_ms", host().now_ms()}});
            complete(id, status::ok);
        });
        return status::pending;
    }

    status set_privacy(std::uint64_t id, bool on) {
        pending_.insert(id);
        kit::http_request put{
            .method = "PUT", .target = privacy_path(), .body = privacy_mask_xml(on), .content_type = "application/xml"};
        http_->request(std::move(put), [this, id, on](kit::result<kit::http_response> r) {
            if (!r) {
                host().warn(r.error().message);
                return complete(id, to_status(r.error()), r.error().message);
            }
            if (const auto rs = parse_response_status(r->body); rs.has_value() && rs->status_code != 1) {
                const std::string why = "setting privacy mask: the camera answered " + rs->status_string;
                host().warn(why);
                return complete(id, status::device_error, why);
            }
            read_privacy([this, id, on](const std::optional<kit::net_error>& error, bool now_on) {
                if (error) return complete(id, to_status(*error), error->message);
                if (now_on != on) {
                    return complete(id, status::device_error,
                                    std::string("the camera kept privacy mode ") + (now_on ? "on" : "off"));
                }
                host().info(std::string("privacy mode ") + (on ? "on" : "off"));
                complete(id, status::ok);
            });
        });
        return status::pending;
    }

    /// Completes a pending command once (a no-op if stop() already answered it).
    void complete(std::uint64_t id, status code, const std::string& message = {}) {
        if (pending_.erase(id) != 0) host().command_result(id, code, message);
    }

    [[nodiscard]] std::string privacy_path() const {
        return "/ISAPI/System/Video/inputs/channels/" + std::to_string(cfg_.channel) + "/privacyMask";
    }

    /// GETs the privacy mask and reports it; `done` gets the error or the value read.
    void read_privacy(std::function<void(const std::optional<kit::net_error>&, bool)> done) {
        http_->get(privacy_path(), [this, done = std::move(done)](kit::result<kit::http_response> r) {
            if (!r) {
                host().warn(r.error().message);
                return done(r.error(), false);
            }
            const std::optional<bool> on = parse_privacy_enabled(r->body);
            if (!on.has_value()) {
                const kit::net_error e{status::device_error,
                                       "reading privacy mask: no <enabled> in the camera's answer"};
                host().warn(e.message);
                return done(e, false);
            }
            const bool value = on.value();
            privacy_ = value;
            host().report_state(cfg_.id, {{"privacy_mode", value}});
            done(std::nullopt, value);
        });
    }

    // ---- the alert stream ---------------------------------------------------------------------

    void open_stream() {
        opened_ = false;
        stream_ = http_->stream(
            "/ISAPI/Event/notification/alertStream", [this](const kit::multipart_part& p) { on_part(p); },
            [this](const kit::net_error& e) { on_stream_end(e); },
            [this] {
                opened_ = true;
                backoff_ = cfg_.reconnect;
                online_.success();
                read_privacy([](const std::optional<kit::net_error>&, bool) {});
            });
    }

    void on_stream_end(const kit::net_error& e) {
        if (opened_) {
            host().warn("alert stream dropped: " + e.message + "; reconnecting");
        } else {
            const int attempt = online_.consecutive_failures() + 1;
            // Loud until the camera is declared offline, then quiet (backoff up to 30 s).
            const log_level level = attempt > cfg_.offline_after_failures ? log_level::debug
                                    : e.http_status == 401                ? log_level::error
                                                                          : log_level::warn;
            host().log(level, e.message + (e.http_status == 401 ? ": check username and password" : "") + " (attempt " +
                                  std::to_string(attempt) + ", retry in " + std::to_string(backoff_.count()) + " ms)");
            online_.failure();
        }
        retry_.expires_after(backoff_);
        retry_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) open_stream();
        });
        if (!opened_) backoff_ = std::min(backoff_ * 2, k_max_reconnect);
    }

    void on_availability(bool up) {
        if (!up) {
            host().warn("camera " + cfg_.id + " is offline after " + std::to_string(online_.consecutive_failures()) +
                        " failed connection attempts");
        }
        host().report_availability(cfg_.id, up);
        host().report_state(cfg_.id, {{"online", up}});
        if (up) host().info("camera " + cfg_.id + " is online");
    }

    void on_part(const kit::multipart_part& part) {
        const auto a = parse_alert(part.body);
        if (!a) return host().debug("alert stream: skipped a part that is not an EventNotificationAlert");
        if (a->channel != 0 && a->channel != cfg_.channel) return;  // another channel of an NVR
        if (iequals(a->event_type, "VMD")) return a->active ? on_motion(*a) : clear_motion();
        const bool doorbell = std::any_of(cfg_.doorbell_event_types.begin(), cfg_.doorbell_event_types.end(),
                                          [&](const std::string& t) { return iequals(t, a->event_type); });
        if (!doorbell || !a->active) return;  // heartbeats (videoloss inactive) and unmapped types
        const auto now = steady_clock::now();
        if (last_doorbell_ && now - *last_doorbell_ < k_doorbell_dedup) return;
        last_doorbell_ = now;
        host().report_event(cfg_.id,
                            {{"event_type", "doorbell"}, {"source", a->event_type}, {"date_time", a->date_time}});
    }

    void on_motion(const alert& a) {
        if (!motion_) {
            motion_ = true;
            host().report_state(cfg_.id, {{"motion", true}});
            host().report_event(cfg_.id, {{"event_type", "motion"}, {"active", true}, {"date_time", a.date_time}});
        }
        motion_timer_.expires_after(cfg_.motion_clear);  // cancels a previous wait
        motion_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) clear_motion();
        });
    }

    void clear_motion() {
        motion_timer_.cancel();
        if (!motion_) return;
        motion_ = false;
        host().report_state(cfg_.id, {{"motion", false}});
    }

    const camera_config cfg_;
    std::unique_ptr<kit::http_client> http_;
    kit::http_stream stream_;
    boost::asio::steady_timer retry_;
    boost::asio::steady_timer motion_timer_;
    kit::availability online_;
    milliseconds backoff_;
    bool opened_ = false;  ///< the current stream attempt got its 200 header
    bool privacy_ = false;
    bool motion_ = false;
    std::optional<steady_clock::time_point> last_snapshot_;
    std::optional<steady_clock::time_point> last_doorbell_;
    std::set<std::uint64_t> pending_;  ///< commands answered pending and not yet completed
};

}  // namespace hearth::isapi

HEARTH_KIT_DRIVER(hearth::isapi::isapi_camera, "isapi_camera", "1.0.0",
                  "IP cameras speaking ISAPI over HTTP: alert stream, JPEG snapshots, privacy mask")
