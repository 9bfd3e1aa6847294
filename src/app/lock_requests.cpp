// "lock/status" and "lock/challenge" bridge requests (see lock_requests.hpp).
#include "app/lock_requests.hpp"

namespace hearth {

using json = nlohmann::json;
using reply_fn = std::function<void(mqtt::request_reply)>;

namespace {

/// The lock named by args.device, or the reason it cannot be used.
const device_entry* find_lock(const gateway& gw, const json& args, std::string& error) {
    auto it = args.find("device");
    if (it == args.end() || !it->is_string()) {
        error = "'device' must be a string (a lock's device id)";
        return nullptr;
    }
    const device_entry* d = gw.registry().find(it->get<std::string>());
    if (d == nullptr) {
        error = "unknown device '" + it->get<std::string>() + "'";
        return nullptr;
    }
    if (d->descriptor.type != device_type::lock) {
        error = "device '" + d->descriptor.id + "' is a " + std::string(to_string(d->descriptor.type)) + ", not a lock";
        return nullptr;
    }
    return d;
}

}  // namespace

void install_lock_requests(mqtt::bridge& bridge, gateway& gw, const lock_supervisor& supervisor) {
    bridge.add_request("lock/status", [&gw, &supervisor](const json& args, const reply_fn& reply) {
        std::string error;
        const device_entry* d = find_lock(gw, args, error);
        if (d == nullptr) return reply(mqtt::request_reply::failure(error));
        const std::string& id = d->descriptor.id;
        const lock_settings s = gw.locks().settings_for(id);
        const std::int64_t now = gw.now_ms();
        const lock_counters c = gw.locks().counters(id, now);
        const auto [relock_due, alarm_due] = supervisor.due(id);
        json out = {{"device", id},
                    {"lock_state", d->state.value("lock_state", std::string())},
                    {"online", d->online},
                    {"pin", !s.pin_hash.empty() ? "configured"
                            : s.pin_none        ? "none"
                                                : "missing"},
                    {"max_attempts", s.max_attempts},
                    {"wrong_codes", c.wrong},
                    {"attempts_left", std::max(0, s.max_attempts - c.wrong)},
                    {"locked_out", c.locked_out_until > now},
                    {"locked_out_until", c.locked_out_until > now ? json(c.locked_out_until) : json(nullptr)},
                    {"locked_out_for_s", c.locked_out_until > now ? (c.locked_out_until - now + 999) / 1000 : 0},
                    {"auto_relock_s", s.auto_relock_ms / 1000},
                    {"relock_due", relock_due != 0 ? json(relock_due) : json(nullptr)},
                    {"left_unlocked_alarm_due", alarm_due != 0 ? json(alarm_due) : json(nullptr)}};
        reply(mqtt::request_reply::success(std::move(out)));
    });
    bridge.add_request("lock/challenge", [&gw](const json& args, const reply_fn& reply) {
        std::string error;
        const device_entry* d = find_lock(gw, args, error);
        if (d == nullptr) return reply(mqtt::request_reply::failure(error));
        auto op = args.find("operation");
        if (op == args.end() || !op->is_string())
            return reply(mqtt::request_reply::failure("'operation' must be a string (unlock, unlatch, set, ...)"));
        const std::int64_t now = gw.now_ms();
        auto c = gw.locks().challenge(d->descriptor.id, op->get<std::string>(), now, error);
        if (!c) return reply(mqtt::request_reply::failure(error));
        reply(mqtt::request_reply::success(
            {{"device", d->descriptor.id},
             {"operation", *op},
             {"nonce", c->nonce},
             {"expires_in_ms", c->expires_ms - now},
             {"kdf", "pbkdf2-sha256"},
             {"salt", c->salt},
             {"iterations", c->iterations},
             {"mac", "hmac-sha256"},
             {"message", c->nonce + ":" + d->descriptor.id + ":" + op->get<std::string>()}}));
    });
}

}  // namespace hearth
