// Role: the isapi_camera driver: one `camera` device for one ISAPI IP camera. The host's
// thread only validates commands and hands them over; all network I/O runs as coroutines on
// an io_context owned by the driver and run by its own std::thread, which also reports
// state, events, availability and command results (host methods are thread-safe).
//
// What runs on the I/O thread: the alert stream (kept open, reconnected with exponential
// backoff, availability offline after `offline_after_failures` failed attempts in a row),
// motion/doorbell mapping with a motion-clear timer, snapshots and privacy-mask writes.
// The only state shared with the host thread is atomic (privacy mode) or mutex-guarded
// (the set of pending command ids, completed with "driver stopped" by stop()).
#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "camera_config.hpp"
#include "camera_schema.hpp"
#include "isapi_client.hpp"
#include "isapi_xml.hpp"
#include <hearth/kit/multipart_parser.hpp>

#include <hearth/driver.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/verb.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

namespace hearth::isapi {

namespace {

namespace asio = boost::asio;
using boost::beast::http::verb;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr milliseconds k_doorbell_dedup{2000};  // cameras repeat an active IO alarm every second

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

/// The host status a failed request completes a command with.
status to_status(const request_error& e) {
    switch (e.kind()) {
    case failure::unreachable: return status::offline;
    case failure::timeout: return status::timeout;
    default: return status::device_error;
    }
}

json bool_prop(bool writable = false) { return {{"type", "bool"}, {"writable", writable}}; }

}  // namespace

class isapi_camera final : public driver {
public:
    /// Checked by the host before the constructor runs (ABI v1.2).
    static constexpr const char* config_schema = k_config_schema;

    isapi_camera(hearth::host& h, std::string /*instance_id*/, const json& config)
        : driver(h), cfg_(parse_camera_config(config)), client_(io_.get_executor(), cfg_) {}

    ~isapi_camera() override { stop(); }

    void start() override {
        const json descriptor = {{"id", cfg_.id},
                                 {"name", cfg_.name},
                                 {"type", "camera"},
                                 {"manufacturer", "ISAPI"},
                                 {"model", "ISAPI IP camera (channel " + std::to_string(cfg_.channel) + ")"},
                                 {"sw_version", "isapi_camera 1.0.0"},
                                 {"properties",
                                  {{"online", bool_prop()},
                                   {"motion", bool_prop()},
                                   {"recording", bool_prop()},
                                   {"privacy_mode", bool_prop(true)}}},
                                 {"commands",
                                  {{"snapshot", {{"params", json::object()}}},
                                   {"set_privacy", {{"params", {{"on", {{"type", "bool"}, {"required", true}}}}}}}}},
                                 {"events", {"motion", "doorbell", "snapshot"}}};
        if (!host().register_device(descriptor)) throw std::runtime_error("the host refused the camera descriptor");
        // Availability stays unknown until the first connection attempt succeeds or N fail.
        host().report_state(cfg_.id,
                            {{"online", false}, {"motion", false}, {"recording", false}, {"privacy_mode", false}});
        host().report_ready();
        host().info("camera " + cfg_.id + " at " + client_.endpoint() + ", channel " + std::to_string(cfg_.channel) +
                    ": opening the alert stream");
        asio::co_spawn(io_, stream_loop(), asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }

    status handle_command(const command& cmd) override {
        if (cmd.device_id != cfg_.id) throw command_error(status::invalid, "unknown device " + cmd.device_id);
        if (cmd.name == "snapshot") return begin_snapshot(cmd.id);
        if (cmd.name == "set_privacy") return begin_set_privacy(cmd.id, cmd.params.at("on").get<bool>());
        if (cmd.name == "set") {
            if (cmd.params.size() != 1 || !cmd.params.contains("privacy_mode") ||
                !cmd.params["privacy_mode"].is_boolean())
                throw command_error(status::invalid, "only privacy_mode is writable");
            return begin_set_privacy(cmd.id, cmd.params["privacy_mode"].get<bool>());
        }
        throw command_error(status::unsupported, "unknown command " + cmd.name);
    }

    void refresh(const std::string& device_id) override {
        if (device_id == cfg_.id) asio::co_spawn(io_, read_privacy(), asio::detached);
    }

    void stop() override {
        if (stopped_.exchange(true)) return;
        work_.reset();
        io_.stop();
        if (thread_.joinable()) thread_.join();
        // Commands whose coroutine was abandoned still get an answer (allowed until stop returns).
        std::set<std::uint64_t> left;
        {
            std::lock_guard lock(pending_mutex_);
            left.swap(pending_);
        }
        for (auto id : left) host().command_result(id, status::offline, "driver stopped");
    }

private:
    // ---- host thread: command intake (never blocks) ------------------------------------------

    status begin_snapshot(std::uint64_t id) {
        if (privacy_.load()) throw command_error(status::invalid, "privacy mode is on");
        const auto now = steady_clock::now();
        if (last_snapshot_ && now - *last_snapshot_ < cfg_.snapshot_min_interval)
            throw command_error(status::invalid, "snapshot rate limit: at most one every " +
                                                     std::to_string(cfg_.snapshot_min_interval.count()) + " ms");
        last_snapshot_ = now;
        add_pending(id);
        asio::co_spawn(io_, take_snapshot(id), asio::detached);
        return status::pending;
    }

    status begin_set_privacy(std::uint64_t id, bool on) {
        add_pending(id);
        asio::co_spawn(io_, write_privacy(id, on), asio::detached);
        return status::pending;
    }

    void add_pending(std::uint64_t id) {
        std::lock_guard lock(pending_mutex_);
        pending_.insert(id);
    }
    /// Completes a pending command once (a no-op if stop() already answered it).
    void complete(std::uint64_t id, status code, const std::string& message = {}) {
        {
            std::lock_guard lock(pending_mutex_);
            if (pending_.erase(id) == 0) return;
        }
        host().command_result(id, code, message);
    }

    // ---- I/O thread: commands ----------------------------------------------------------------

    asio::awaitable<void> take_snapshot(std::uint64_t id) {
        const std::string path = "/ISAPI/Streaming/channels/" + std::to_string(cfg_.channel * 100 + 1) + "/picture";
        try {
            const http_reply r = co_await client_.request(verb::get, path, {}, {}, cfg_.snapshot_max_bytes);
            if (r.status != 200)
                throw request_error(failure::http_status, "snapshot: camera answered HTTP " + std::to_string(r.status));
            const auto* b = reinterpret_cast<const std::uint8_t*>(r.body.data());
            if (r.body.size() < 4 || b[0] != 0xFF || b[1] != 0xD8)
                throw request_error(failure::protocol, "snapshot: the camera's answer is not a JPEG image");
            host().report_event(cfg_.id, {{"event_type", "snapshot"},
                                          {"content_type", "image/jpeg"},
                                          {"image_base64", base64_encode({b, r.body.size()})},
                                          {"size_bytes", r.body.size()},
                                          {"captured_at_ms", host().now_ms()}});
            complete(id, status::ok);
        } catch (const request_error& e) {
            if (e.kind() == failure::too_large)
                host().warn("snapshot refused: the image is larger than snapshot_max_bytes (" +
                            std::to_string(cfg_.snapshot_max_bytes) + " bytes)");
            else
                host().warn(std::string("snapshot failed: ") + e.what());
            complete(id, to_status(e),
                     e.kind() == failure::too_large ? "snapshot larger than snapshot_max_bytes" : e.what());
        }
    }

    std::string privacy_path() const {
        return "/ISAPI/System/Video/inputs/channels/" + std::to_string(cfg_.channel) + "/privacyMask";
    }

    /// GETs the privacy mask and reports it; returns the value read.
    asio::awaitable<bool> fetch_privacy() {
        const http_reply r = co_await client_.request(verb::get, privacy_path());
        if (r.status != 200)
            throw request_error(failure::http_status,
                                "reading privacy mask: camera answered HTTP " + std::to_string(r.status));
        const auto on = parse_privacy_enabled(r.body);
        if (!on) throw request_error(failure::protocol, "reading privacy mask: no <enabled> in the camera's answer");
        privacy_ = *on;
        host().report_state(cfg_.id, {{"privacy_mode", *on}});
        co_return *on;
    }

    asio::awaitable<void> read_privacy() {
        try {
            co_await fetch_privacy();
        } catch (const request_error& e) {
            host().warn(e.what());
        }
    }

    asio::awaitable<void> write_privacy(std::uint64_t id, bool on) {
        try {
            const http_reply r =
                co_await client_.request(verb::put, privacy_path(), privacy_mask_xml(on), "application/xml");
            const auto rs = parse_response_status(r.body);
            if (r.status != 200 || (rs && rs->status_code != 1))
                throw request_error(failure::http_status, "setting privacy mask: camera answered HTTP " +
                                                              std::to_string(r.status) +
                                                              (rs ? " (" + rs->status_string + ")" : std::string()));
            const bool now_on = co_await fetch_privacy();
            if (now_on != on) {
                complete(id, status::device_error,
                         std::string("the camera kept privacy mode ") + (now_on ? "on" : "off"));
                co_return;
            }
            host().info(std::string("privacy mode ") + (on ? "on" : "off"));
            complete(id, status::ok);
        } catch (const request_error& e) {
            host().warn(e.what());
            complete(id, to_status(e), e.what());
        }
    }

    // ---- I/O thread: the alert stream ---------------------------------------------------------

    asio::awaitable<void> stream_loop() {
        asio::steady_timer wait(io_);
        milliseconds backoff = cfg_.reconnect;
        int failures = 0;
        for (;;) {
            bool opened = false;
            std::optional<kit::multipart_parser> parser;
            try {
                co_await client_.stream(
                    "/ISAPI/Event/notification/alertStream",
                    [&](const std::string& content_type) {
                        opened = true;
                        failures = 0;
                        backoff = cfg_.reconnect;
                        parser.emplace(kit::multipart_boundary(content_type).value_or("boundary"));
                        set_online(true);
                        asio::co_spawn(io_, read_privacy(), asio::detached);
                    },
                    [&](std::string_view data) {
                        std::vector<kit::multipart_part> parts;
                        parser->feed(data, parts);
                        for (const auto& p : parts) on_part(p);
                    });
                host().warn("alert stream of " + client_.endpoint() + " ended; reconnecting");
            } catch (const request_error& e) {
                if (opened) {
                    host().warn(std::string("alert stream dropped: ") + e.what() + "; reconnecting");
                } else {
                    ++failures;
                    // Loud until the camera is declared offline, then quiet (backoff up to 30 s).
                    const log_level level = failures > cfg_.offline_after_failures ? log_level::debug
                                            : e.kind() == failure::auth            ? log_level::error
                                                                                   : log_level::warn;
                    host().log(level, std::string(e.what()) + " (attempt " + std::to_string(failures) + ", retry in " +
                                          std::to_string(backoff.count()) + " ms)");
                    if (failures == cfg_.offline_after_failures) {
                        host().warn("camera " + cfg_.id + " is offline after " + std::to_string(failures) +
                                    " failed connection attempts");
                        set_online(false);
                    }
                }
            }
            if (opened) backoff = cfg_.reconnect;
            wait.expires_after(backoff);
            boost::system::error_code ec;
            co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (!opened) backoff = std::min(backoff * 2, k_max_reconnect);
        }
    }

    void on_part(const kit::multipart_part& part) {
        const auto a = parse_alert(part.body);
        if (!a) {
            host().debug("alert stream: skipped a part that is not an EventNotificationAlert");
            return;
        }
        if (a->channel != 0 && a->channel != cfg_.channel) return;  // another channel of an NVR
        if (iequals(a->event_type, "VMD")) {
            if (a->active)
                on_motion(*a);
            else
                clear_motion();
            return;
        }
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

    void set_online(bool online) {
        if (online_ == online) return;  // an unknown online_ equals neither value
        online_ = online;
        host().report_availability(cfg_.id, online);
        host().report_state(cfg_.id, {{"online", online}});
        if (online) host().info("camera " + cfg_.id + " is online");
    }

    // Members: io_ first so that it is destroyed last (abandoned coroutine frames hold sockets).
    asio::io_context io_{1};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{io_.get_executor()};
    const camera_config cfg_;
    isapi_client client_;
    asio::steady_timer motion_timer_{io_};
    std::thread thread_;
    std::atomic<bool> stopped_{false};
    std::atomic<bool> privacy_{false};

    // Host thread only.
    std::optional<steady_clock::time_point> last_snapshot_;
    // I/O thread only.
    bool motion_ = false;
    std::optional<bool> online_;  // unknown until the first report
    std::optional<steady_clock::time_point> last_doorbell_;
    // Both threads.
    std::mutex pending_mutex_;
    std::set<std::uint64_t> pending_;
};

}  // namespace hearth::isapi

HEARTH_DRIVER_WITH_MANIFEST(hearth::isapi::isapi_camera, "isapi_camera", "1.0.0",
                            "IP cameras speaking ISAPI over HTTP: alert stream, JPEG snapshots, privacy mask",
                            R"({"network": ["tcp_client"]})")
