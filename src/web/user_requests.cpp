// Bridge requests user/add, user/remove and users (see user_requests.hpp).
#include "web/user_requests.hpp"

#include "core/json_input.hpp"
#include "log/log.hpp"
#include "web/accounts.hpp"
#include "web/password_hash.hpp"

namespace hearth::web {

using json = nlohmann::json;
using mqtt::request_reply;

namespace {

/// `args[key]` as a string; a missing key gives `fallback` (nullopt: required).
result<std::string> string_arg(const json& args, const char* key, const std::optional<std::string>& fallback) {
    auto it = args.find(key);
    if (it == args.end()) {
        if (fallback) return *fallback;
        return fail("'" + std::string(key) + "' (string) is required");
    }
    if (!it->is_string()) return fail("'" + std::string(key) + "' must be a string, got " + it->type_name());
    return it->get<std::string>();
}

result<std::vector<std::string>> devices_arg(const json& args) {
    std::vector<std::string> out;
    auto it = args.find("devices");
    if (it == args.end()) return out;
    if (!it->is_array() || it->size() > 1000) return fail("'devices' must be an array of device ids");
    for (const auto& d : *it) {
        if (!d.is_string()) return fail("'devices' must be an array of device ids");
        out.push_back(d.get<std::string>());
    }
    return out;
}

}  // namespace

void install_user_requests(mqtt::bridge& bridge, store& db, password_worker& hasher,
                           const std::function<std::int64_t()>& now_ms,
                           const std::function<void(const std::string&)>& removed) {
    bridge.add_request("users", [&db](const json&, auto reply) {
        json out = json::array();
        for (const auto& u : db.load_web_users()) {
            out.push_back({{"name", u.name}, {"role", u.role}, {"devices", u.devices}, {"created_at", u.created_at}});
        }
        reply(request_reply::success(out));
    });
    bridge.add_request("user/add", [&db, &hasher, now_ms](const json& args, auto reply) {
        auto name = string_arg(args, "name", std::nullopt);
        auto password = string_arg(args, "password", std::nullopt);
        auto role_text = string_arg(args, "role", std::string("resident"));
        auto devices = devices_arg(args);
        if (!name) return reply(request_reply::failure(name.error()));
        if (!password) return reply(request_reply::failure(password.error()));
        if (!role_text) return reply(request_reply::failure(role_text.error()));
        if (!devices) return reply(request_reply::failure(devices.error()));
        if (!is_valid_user_name(name.value())) {
            return reply(request_reply::failure("'" + echo(name.value()) +
                                                "' is not a valid user name (1-32 of a-z 0-9 _ . -, starting with a "
                                                "letter or digit)"));
        }
        auto who = parse_role(role_text.value());
        if (!who) return reply(request_reply::failure(who.error()));
        if (who.value() != role::guest && !devices.value().empty()) {
            return reply(
                request_reply::failure("'devices' is for guests only (admins and residents see every device)"));
        }
        if (auto problem = password_problem(password.value()); !problem.empty()) {
            return reply(request_reply::failure(problem));
        }
        for (const auto& u : db.load_web_users()) {
            if (u.name == name.value()) return reply(request_reply::failure("user '" + u.name + "' exists already"));
        }
        web_user_record record{name.value(), to_string(who.value()), "", devices.value(), now_ms()};
        const bool queued = hasher.post([&db, record, pw = password.value(), reply]() mutable {
            record.password_hash = hash_password(pw);
            return std::function<void()>([&db, record, reply]() {
                if (!db.add_web_user(record)) {
                    return reply(request_reply::failure("user '" + record.name + "' exists already"));
                }
                log::app().info("web: user '{}' ({}) added", record.name, record.role);
                reply(request_reply::success(
                    {{"name", record.name}, {"role", record.role}, {"devices", record.devices}}));
            });
        });
        if (!queued) reply(request_reply::failure("busy: too many password operations at once, try again"));
    });
    bridge.add_request("user/remove", [&db, removed](const json& args, auto reply) {
        auto name = string_arg(args, "name", std::nullopt);
        if (!name) return reply(request_reply::failure(name.error()));
        if (!db.remove_web_user(name.value())) {
            return reply(request_reply::failure("no user '" + echo(name.value()) + "'"));
        }
        if (removed) removed(name.value());
        log::app().info("web: user '{}' removed", name.value());
        reply(request_reply::success({{"name", name.value()}, {"removed", true}}));
    });
}

}  // namespace hearth::web
