// Fuzz target: a community request (src/uplink/down_request.hpp) as it arrives on
// community/<site>/<home>/down/request/<name>. Input: the first line is the topic's request
// name, the rest the payload. Checks: a parsed request has a usable id and the topic's name; the
// accept/rate/staleness gate (a home that accepts everything) and the unlock test never throw;
// an answer built from the request's args passes the secret filter (no secret key survives, the
// filter is idempotent) and is valid JSON.
#include "fuzz_support.hpp"
#include "uplink/down_request.hpp"
#include "uplink/envelope.hpp"

namespace {

/// True when no object key at any depth is a secret key.
bool free_of_secrets(const nlohmann::json& v) {
    if (v.is_object()) {
        for (const auto& [k, x] : v.items()) {
            if (hearth::uplink::is_secret_key(k) || !free_of_secrets(x)) return false;
        }
    } else if (v.is_array()) {
        for (const auto& x : v) {
            if (!free_of_secrets(x)) return false;
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using hearth::fuzz::check;
    namespace up = hearth::uplink;
    static const hearth::uplink_config accept_all = [] {
        hearth::uplink_config c;
        c.accept = {"health", "diagnostics", "logs", "log_level", "notify", "commands"};
        c.command_devices = {"lamp", "front_door"};
        c.unlock_devices = {"front_door"};
        return c;
    }();
    static up::request_gate gate(accept_all);
    hearth::fuzz::input_reader in(data, size);
    const std::string name(in.line());
    const std::string_view payload = in.rest();
    auto parsed = up::parse_down_request(name, payload);
    if (!parsed) {
        check(!parsed.error().error.empty(), "a refusal without a reason");
        return 0;
    }
    const up::down_request& r = parsed.value();
    check(!r.id.empty() && r.id.size() <= 64, "an unusable request id was accepted");
    check(r.name == name, "the request name differs from the topic's");
    check(r.args.is_object(), "args is not an object");
    (void)gate.check(r, r.ts);
    (void)up::is_unlock_command(r.args);
    const auto filtered = up::without_secrets(r.args);
    check(free_of_secrets(filtered), "a secret key survived the filter");
    check(up::without_secrets(filtered) == filtered, "the secret filter is not idempotent");
    const up::envelope_origin origin{"site", "home", "0123456789abcdef"};
    const auto text = up::make_envelope(origin, 1, "response", r.ts, {{"request_id", r.id}, {"data", r.args}});
    check(nlohmann::json::accept(text), "an envelope is not valid JSON");
    return 0;
}
