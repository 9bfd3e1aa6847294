// The community uplink's incoming side: requests on community/<site>/<home>/down/request/<name>
// checked (accept list, devices, staleness, rate limit), audited (source "uplink", actor = the
// request id) and answered on up/response through the outbox (uplink_service.hpp).
#include "app/uplink_service.hpp"

#include "core/command.hpp"
#include "core/json_fields.hpp"
#include "log/levels.hpp"
#include "log/log.hpp"

namespace hearth {

using json = nlohmann::json;

namespace {

/// The request's device argument, or "" (for the audit target).
std::string device_of(const json& args) {
    const auto it = args.find("device");
    return it != args.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// Log lines in the diagnostics bundle.
constexpr std::size_t diagnostics_log_lines = 200;

std::string text_arg(const json& args, const char* key) {
    const auto it = args.find(key);
    return it != args.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

bool uplink_service::audit(const std::string& request_id, const std::string& name, const std::string& target,
                           const std::string& result, const std::string& reason) {
    json detail = {{"request", name}};
    if (!reason.empty()) detail["reason"] = reason;
    try {
        db_.append_audit({0, clock_.now_ms(), request_id, "uplink", "uplink." + name, target, result, detail});
        return true;
    } catch (const std::exception& e) {
        last_error_ = std::string("audit: ") + e.what();
        log::store().error("uplink: cannot audit request {}: {}", request_id, e.what());
        return false;
    }
}

void uplink_service::answer(const std::string& request_id, const std::string& name, bool ok, const json& data,
                            const std::string& error) {
    json response = {{"request_id", request_id}, {"name", name}, {"status", ok ? "ok" : "error"}};
    if (ok) {
        response["data"] = data.is_null() ? json::object() : data;
    } else {
        response["error"] = error;
    }
    enqueue("response", response);
}

void uplink_service::refuse(const std::string& request_id, const std::string& name, const std::string& target,
                            const std::string& why) {
    ++refused_requests_;
    log::mqtt().warn("uplink: request {} ({}) refused: {}", request_id.empty() ? "-" : request_id, name, why);
    audit(request_id, name, target, "denied", why);
    answer(request_id, name, false, nullptr, why);
}

void uplink_service::handle_request(const std::string& topic, const std::string& payload) {
    const auto name = uplink::request_name_of(up_.prefix(), topic);
    if (!name) return;  // only <prefix>/down/request/+ is subscribed
    auto parsed = uplink::parse_down_request(*name, payload);
    if (!parsed) {
        refuse(parsed.error().id, *name, {}, parsed.error().error);
        return;
    }
    const uplink::down_request& request = parsed.value();
    if (auto why = gate_.check(request, clock_.now_ms())) {
        refuse(request.id, request.name, device_of(request.args), *why);
        return;
    }
    // Fail closed: a request that cannot be audited is not run.
    if (!audit(request.id, request.name, device_of(request.args), "accepted", {})) {
        ++refused_requests_;
        answer(request.id, request.name, false, nullptr, "the request could not be audited");
        return;
    }
    run_request(request);
}

void uplink_service::run_request(const uplink::down_request& request) {
    const std::string& name = request.name;
    if (name == "health") {
        answer(request.id, name, true, bridge_.health(), {});
    } else if (name == "diagnostics") {
        answer(request.id, name, true,
               {{"config", cfg_.summary()},
                {"health", bridge_.health()},
                {"logs", log::recent_lines(spdlog::level::trace, diagnostics_log_lines)}},
               {});
    } else if (name == "logs") {
        run_logs(request);
    } else if (name == "notify") {
        const std::string title = text_arg(request.args, "title");
        const std::string message = text_arg(request.args, "message");
        if (message.empty() && title.empty()) {
            answer(request.id, name, false, nullptr, "\"title\" or \"message\" (string) is required");
            return;
        }
        bridge_.publish_bridge_event({{"type", "notify"},
                                      {"title", title},
                                      {"message", message},
                                      {"source", "uplink"},
                                      {"request_id", request.id}});
        answer(request.id, name, true, json::object(), {});
    } else if (name == "log_level") {
        run_log_level(request);
    } else if (name == "command") {
        run_command(request);
    } else {
        answer(request.id, name, false, nullptr, "'" + name + "' is not available on this hub");
    }
}

void uplink_service::run_command(const uplink::down_request& request) {
    const std::string device_id = device_of(request.args);
    const device_entry* device = gw_.registry().find(device_id);
    if (device == nullptr) {
        answer(request.id, request.name, false, nullptr, "unknown device '" + device_id + "'");
        return;
    }
    json set = request.args;
    set.erase("device");
    set.erase("ts");  // the request's own ts was checked; a lock's age limit applies to it below
    auto command = parse_set_payload(device->descriptor, set.dump());
    if (!command) {
        answer(request.id, request.name, false, nullptr, command.error());
        return;
    }
    command.value().issued_at_ms = request.ts;
    std::weak_ptr<bool> alive = alive_;
    gw_.execute(device_id, std::move(command.value()), command_source{"uplink", request.id},
                [this, alive, id = request.id, name = request.name](const command_outcome& outcome) {
                    if (alive.expired()) return;
                    answer(id, name, outcome.ok, json::object(), outcome.error);
                });
}

void uplink_service::run_logs(const uplink::down_request& request) {
    field_reader args(request.args);
    const auto level_name = args.optional_string("level");
    const auto lines = args.optional_integer("lines", 1, 1000, "lines");
    if (args.failed()) {
        answer(request.id, request.name, false, nullptr, args.error());
        return;
    }
    const std::string wanted = level_name.value_or("info");
    const auto level = spdlog::level::from_str(wanted);
    if (level == spdlog::level::off) {
        answer(request.id, request.name, false, nullptr,
               "'level' must be one of trace, debug, info, warn, error, critical");
        return;
    }
    answer(request.id, request.name, true,
           {{"level", wanted}, {"lines", log::recent_lines(level, static_cast<std::size_t>(lines.value_or(100)))}}, {});
}

void uplink_service::run_log_level(const uplink::down_request& request) {
    field_reader args(request.args);
    const auto spec = args.required_string("level");
    const auto minutes = args.optional_integer("minutes", 1, 240, "minutes");
    if (args.failed() || !minutes) {
        answer(request.id, request.name, false, nullptr,
               args.failed() ? args.error() : "'minutes' (integer 1..240) is required");
        return;
    }
    std::string why;
    const auto levels = log::parse_levels(*spec, why);
    if (!levels) {
        answer(request.id, request.name, false, nullptr, why);
        return;
    }
    if (!saved_levels_) saved_levels_ = log::current();
    log::apply(*levels);
    log::app().warn("uplink: request {} set the log level to '{}' for {} minutes", request.id, *spec, *minutes);
    revert_timer_.expires_after(std::chrono::minutes(*minutes));
    revert_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || !saved_levels_) return;
        log::apply(*saved_levels_);
        log::app().info("uplink: temporary log level ended; back to '{}'", log::to_spec(*saved_levels_));
        saved_levels_.reset();
    });
    answer(request.id, request.name, true, {{"level", *spec}, {"until", clock_.now_ms() + *minutes * 60000}}, {});
}

}  // namespace hearth
